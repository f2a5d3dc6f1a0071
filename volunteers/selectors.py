"""Reads of the volunteers app for other apps' pages (read-only)."""

from .models import SocialWorker


def social_worker_by_index(id_number_index, *, viewer):
    """The social-work professional (社会工作专业人才) with this ID number's blind index, the way the register
    looks people up (one per person), if ``viewer`` may see them there; else None. Never by name."""
    if not id_number_index:
        return None
    return (SocialWorker.objects.restrict(viewer, "view").filter(id_number_index=id_number_index)
            .select_related("area").first())
