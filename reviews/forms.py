"""The page forms of the review: a county bureau's opinion and the city's re-check.

They only parse and say what is missing (in Chinese, on the field, keeping what was typed); whether the
action is allowed now is the workflow's answer, given by the service (403 / 409).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications import workflow
from programmes.vocabulary import REVIEW_CHECKLISTS
from reviews.services import CITY_ACTIONS, OPINION_ACTIONS

COMMENT_MAX_LENGTH = 2000


def _step_label(action) -> str:
    rows = workflow.rows_for(action)
    return str(rows[0].label) if rows else action


# The workflow's row asks before a refusal; a send-back to the county is asked here (the row has no question).
SEND_BACK_CONFIRM = _("退回县区后，县区工信部门、财政部门需重新审核。确定退回县区吗？")


def confirm_text(action) -> str:
    """The question asked before `action` ("" when it is not asked)."""
    if action == "send_back":
        return str(SEND_BACK_CONFIRM)
    return next((str(t.confirm) for t in workflow.rows_for(action) if t.confirm), "")


def _needs_comment(action) -> bool:
    return any(t.requires_comment for t in workflow.rows_for(action))


class _DecisionForm(forms.Form):
    actions: tuple = ()
    prefix_id = "decision"  # two forms may share a page: their fields' ids differ

    decision = forms.ChoiceField(
        error_messages={"required": _("请选择审核结论。"), "invalid_choice": _("请选择审核结论。")}
    )
    comment = forms.CharField(
        label=_("意见说明"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("意见说明不能超过 %(limit_value)d 个字。")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.prefix_id}-%s")
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [(a, _step_label(a)) for a in self.actions]

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and _needs_comment(decision) and not (cleaned.get("comment") or "").strip():
            # The same words as the service's 422 (applications.services.transition).
            self.add_error("comment", _("请填写“%(label)s”的理由。") % {"label": _step_label(decision)})
        return cleaned


class OpinionForm(_DecisionForm):
    """通过 / 退回修改 / 不予推荐, the bureau's checklist of what it verified, and a comment."""

    actions = OPINION_ACTIONS
    prefix_id = "opinion"

    checklist = forms.MultipleChoiceField(
        label=_("已核查事项"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("核查事项“%(value)s”不属于本部门的审核清单。")},
    )

    def __init__(self, *args, bureau=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = list(REVIEW_CHECKLISTS.get(bureau, ()))


class CityCheckForm(_DecisionForm):
    """进入专家评审, or 退回县区 with the reason."""

    actions = CITY_ACTIONS
    prefix_id = "city"
