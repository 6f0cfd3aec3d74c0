"""Background work of the applications app (eager in the embedded default, Celery workers in production)."""

import logging

from celery import shared_task

from applications.models import Application

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def render_pdf_task(application_id):
    """Render and cache the PDF right after submission, so the first download is instant."""
    from applications.pdf_cache import PdfNotAvailable, get_or_render_pdf

    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return
    try:
        get_or_render_pdf(application)
    except PdfNotAvailable:
        return  # withdrawn or never submitted meanwhile: nothing to print
    except Exception:
        # Never let a rendering failure undo or fail a submission: the download renders on demand again.
        logger.exception("PDF rendering failed for application %s", application_id)
