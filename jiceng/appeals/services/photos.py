"""Photos of an appeal: the filer's (stage ``filed``, from the public form, the grid worker's phone or the
REST upload) and the handler's (``handling``).

The type is checked by the file's content, not its name: the first bytes must be those of a JPEG, PNG or
WebP image (Pillow is not a dependency; decoding is left to the browser that shows it). At most
``APPEAL_PHOTO_MAX_KB`` each and ``APPEAL_PHOTO_MAX_COUNT`` per appeal and stage. A refused photo stores
nothing. The stored name is random, with the extension of the detected type.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals.models import OPEN_STATUSES, Appeal, AppealPhoto, PhotoStage
from jiceng.core import audit, scope

FIELD = "photo"
# (content type, extension, test on the first 12 bytes)
KINDS = (
    ("image/jpeg", "jpg", lambda h: h.startswith(b"\xff\xd8\xff")),
    ("image/png", "png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/webp", "webp", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"),
)


def image_kind(upload) -> tuple[str, str] | None:
    """(content type, extension) of an uploaded image, by its first bytes; None if it is none of them."""
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    return next(((ctype, ext) for ctype, ext, test in KINDS if test(head)), None)


def photo_clean(upload, field: str = FIELD) -> tuple[str, str]:
    """Check one upload (size, then content); (content type, extension) or ValidationError on ``field``."""
    if upload is None or not getattr(upload, "size", 0):
        raise ValidationError({field: [_("请选择要上传的照片")]})
    limit = settings.APPEAL_PHOTO_MAX_KB
    if upload.size > limit * 1024:
        raise ValidationError({field: [_("照片“%(name)s”超过 %(n)d KB，请压缩或重新拍摄后再上传") % {
            "name": getattr(upload, "name", "")[:60], "n": limit}]})
    kind = image_kind(upload)
    if kind is None:
        raise ValidationError({field: [_("“%(name)s”不是 JPG、PNG 或 WebP 图片，请上传照片") % {
            "name": getattr(upload, "name", "")[:60]}]})
    return kind


def photos_clean(uploads, field: str = FIELD) -> None:
    """Check several uploads before anything is written (the public form sends them with the appeal)."""
    uploads = [u for u in uploads if u]
    if len(uploads) > settings.APPEAL_PHOTO_MAX_COUNT:
        raise ValidationError({field: [_("最多上传 %(n)d 张照片") % {"n": settings.APPEAL_PHOTO_MAX_COUNT}]})
    for upload in uploads:
        photo_clean(upload, field)


def photo_add(actor, appeal: Appeal, upload, stage: str = PhotoStage.FILED, *, filer_verified: bool = False
              ) -> AppealPhoto:
    """Attach a photo to ``appeal``. A staff ``actor`` must see the appeal (and, for handling photos, may
    handle it); an anonymous one (None) must be its filer, which the caller has verified (ticket number
    and the last four digits of the phone: ``filer_verified``) and may add only filing photos while
    the appeal is open."""
    if stage not in PhotoStage.values:
        raise ValidationError({"stage": [_("照片阶段应为 filed 或 handling")]})
    user = audit.user_of(actor)
    if user is None and not getattr(actor, "is_system", False):
        if not filer_verified:
            raise ValidationError({"ticket_no": [_("请填写工单编号和手机号后四位")]})
        if stage != PhotoStage.FILED:
            raise ValidationError({"stage": [_("诉求人只能上传诉求照片")]})
    elif user is not None:
        scope.require(actor, "appeals.handle_appeal" if stage == PhotoStage.HANDLING else "appeals.view_appeal",
                      appeal)
    content_type, ext = photo_clean(upload)
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().only("pk", "status", "area_path").get(pk=appeal.pk)
        if user is None and locked.status not in OPEN_STATUSES:
            raise ValidationError({FIELD: [_("诉求已办结，不能再补充照片")]})
        if AppealPhoto.objects.filter(appeal=locked, stage=stage).count() >= settings.APPEAL_PHOTO_MAX_COUNT:
            raise ValidationError({FIELD: [_("每件诉求最多 %(n)d 张照片") % {"n": settings.APPEAL_PHOTO_MAX_COUNT}]})
        photo = AppealPhoto(appeal=locked, content_type=content_type, size=upload.size, stage=stage,
                            uploaded_by=user)
        upload.seek(0)
        photo.file.save(f"{timezone.localtime():%Y%m%d}-{secrets.token_hex(8)}.{ext}", upload, save=False)
        try:
            photo.save()
            audit.record(actor, "appeal.photo", locked, node_path=locked.area_path,
                         summary={"photo": photo.pk, "stage": stage, "bytes": upload.size})
        except BaseException:
            photo.file.delete(save=False)  # the row is rolled back: leave no orphan file
            raise
    return photo
