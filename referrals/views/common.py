"""What the referrals' pages share."""

from django.http import Http404

from ..selectors import is_social_work


def social_work_only(user):
    """The intake's pages: for the social-work side, the same 404 as anything else for others."""
    if not is_social_work(user):
        raise Http404
