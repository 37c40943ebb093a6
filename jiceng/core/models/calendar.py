from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """一年的放假安排: a year whose official schedule an administrator entered (国务院办公厅通知).

    Only needed for years the ``chinesecalendar`` library does not know yet."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("放假安排")
        verbose_name_plural = _("放假安排")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from Monday–Friday in an entered year: a holiday (休) or a make-up workday (班)."""

    year = models.ForeignKey(CalendarYear, verbose_name=_("年份"), on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("调休上班"), default=False)
    name = models.CharField(_("节日"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"
