"""Form widgets shared by the apps' page forms.

Browsers' `<input type="date">` and `type="datetime-local"` accept only ISO values; a widget rendering the
locale's format (2019/05/14) shows an empty field and saving the form unchanged fails. Every date and time
input uses these, so what a form renders is what it accepts back.
"""

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
