"""Celery discovers tasks in each app's tasks.py: the certificate task lives beside the certificate it renders."""

from publicity.certificates import certificates_task

__all__ = ["certificates_task"]
