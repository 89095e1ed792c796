"""Imports as writes: a preview stored until it is confirmed, cancelled or expires; an import
applied in one transaction with the grants of every changed child rebuilt in it; and the nightly
sync from a file, planned and applied in one go. Every run is written to the access log with
who, when, the file's name and the counts."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.cpr import mask_cpr
from trivsel.audit.models import Action, Basis
from trivsel.audit.services import access_log_record
from trivsel.locking import row_lock
from trivsel.organisation.models import Municipality

from ..models import ImportKind, ImportRun, ImportSource, ImportStatus
from .planning import PREVIEW_LINES, grants_follow, plan_build
from .reading import FileProblem, table_dump, table_load, table_read
from .selectors import may_import


def _file_name(name):
    # Only the last part of a path, never a CPR number (DOMAIN.md §5: not in file names).
    return mask_cpr(Path(str(name or "")).name)[:200] or "fil"


def _log(*, actor, run, municipality):
    access_log_record(
        actor=actor,
        action=Action.CHANGE if run.status == ImportStatus.APPLIED else Action.READ,
        basis=Basis.ADMINISTRATION,
        obj=run,
        purpose=_("Import of %(kind)s: %(status)s")
        % {"kind": run.get_kind_display().lower(), "status": run.get_status_display().lower()},
        detail=f"{run.file_name}: {run.counts_text()}"
        + (f" — {run.message}" if run.message else ""),
        municipality=municipality,
    )


def _set_counts(run, plan):
    for name, value in plan.counts.items():
        setattr(run, name, value)


@transaction.atomic
def import_preview(*, actor, kind, file_name, content):
    """Read and plan the file without changing anything; keep the file for the confirmation.
    A file that cannot be read is refused (the run says why) and not kept."""
    if not may_import(actor):
        raise PermissionDenied
    municipality = actor.municipality
    run = ImportRun(
        municipality=municipality,
        kind=kind,
        source=ImportSource.BROWSER,
        file_name=_file_name(file_name),
        created_by=actor,
    )
    try:
        table = table_read(file_name=run.file_name, content=content)
        plan = plan_build(kind=kind, municipality=municipality, table=table, actor=actor)
    except FileProblem as problem:
        run.status, run.message, run.finished_at = (
            ImportStatus.REFUSED,
            problem.message,
            timezone.now(),
        )
        run.save()
        _log(actor=actor, run=run, municipality=municipality)
        return run, None
    _set_counts(run, plan)
    run.status, run.content = ImportStatus.PREVIEW, table_dump(table)
    run.preview = {
        section: [[line.row, line.text] for line in getattr(plan, section)[:PREVIEW_LINES]]
        for section in ("errors", "creates", "changes", "ends")
    }
    run.save()
    _log(actor=actor, run=run, municipality=municipality)
    return run, plan


def import_expired(run, now=None):
    now = now or timezone.now()
    return run.created_at < now - timedelta(minutes=settings.IMPORT_PREVIEW_MINUTES)


@transaction.atomic
def import_confirm(*, actor, run):
    """Apply the preview's file — planned again, so it does what it says today — all or
    nothing, then forget the file."""
    if not may_import(actor) or run.municipality_id != actor.municipality_id:
        raise PermissionDenied
    run = row_lock(run)
    if run.status != ImportStatus.PREVIEW:
        raise ValidationError(
            _("This import is no longer waiting for confirmation (%(status)s).")
            % {"status": run.get_status_display().lower()}
        )
    if import_expired(run):
        # Said by the run, not raised: the file must be forgotten, not rolled back with an error.
        run.message = _("The preview has expired. Upload the file again.")
        _forget(run, ImportStatus.EXPIRED)
        _log(actor=actor, run=run, municipality=run.municipality)
        return run
    _apply(actor=actor, run=run, table=table_load(run.content))
    return run


def _apply(*, actor, run, content=None, table=None):
    municipality = run.municipality
    # One import at a time per municipality: two would plan against the same records.
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
    try:
        with transaction.atomic():
            if table is None:
                table = table_read(file_name=run.file_name, content=content)
            plan = plan_build(kind=run.kind, municipality=municipality, table=table, actor=actor)
            if run.source == ImportSource.COMMAND:
                _unattended_check(plan)
            grants_follow(plan.apply(actor))
    except FileProblem as problem:
        run.message = problem.message
        _forget(run, ImportStatus.REFUSED)
    except DatabaseError:
        # Nothing of it was written (the savepoint is rolled back); say so rather than fail.
        run.message = _("The import stopped on an error in the database; nothing was changed.")
        _forget(run, ImportStatus.REFUSED)
    else:
        _set_counts(run, plan)
        if run.source == ImportSource.COMMAND and plan.errors:
            # Nobody saw a preview: the rows not taken are named here, for /drift/ and the log.
            run.message = "\n".join(
                _("Row %(row)s: %(reason)s") % {"row": line.row, "reason": line.text}
                for line in plan.errors[:20]
            )
        _forget(run, ImportStatus.APPLIED)
    _log(actor=actor, run=run, municipality=municipality)
    return run


def _unattended_check(plan):
    """Nobody sees the nightly sync's preview: a file that would end a large share of what it
    covers (a half-written export, the wrong system's file) is refused rather than trusted."""
    covered = len(plan.ends) + len(plan.changes) + plan.unchanged
    share = settings.IMPORT_MAX_END_PERCENT
    if len(plan.ends) > 20 and len(plan.ends) * 100 > share * covered:
        raise FileProblem(
            _(
                "The file would end %(ends)s of %(covered)s enrolments, more than %(share)s %%: "
                "the nightly sync does not trust it. If it is right, import it in the browser, "
                "where you see the preview first."
            )
            % {"ends": len(plan.ends), "covered": covered, "share": share}
        )


def _forget(run, status):
    run.status, run.finished_at = status, timezone.now()
    run.content = run.preview = None
    run.save()


@transaction.atomic
def import_cancel(*, actor, run):
    if not may_import(actor) or run.municipality_id != actor.municipality_id:
        raise PermissionDenied
    run = row_lock(run)
    if run.status == ImportStatus.PREVIEW:
        _forget(run, ImportStatus.CANCELLED)
        _log(actor=actor, run=run, municipality=run.municipality)
    return run


def imports_expire(*, now=None):
    """Previews never confirmed: their files are deleted."""
    now = now or timezone.now()
    return ImportRun.objects.filter(
        status=ImportStatus.PREVIEW,
        created_at__lt=now - timedelta(minutes=settings.IMPORT_PREVIEW_MINUTES),
    ).update(status=ImportStatus.EXPIRED, content=None, preview=None, finished_at=now)


@transaction.atomic
def import_file_sync(*, municipality, kind, path):
    """The nightly sync: plan and apply a file from the drop folder in one transaction, with no
    confirmation (a file that cannot be read changes nothing). Rows that cannot be taken are
    counted and named in the run's message."""
    path = Path(path)
    run = ImportRun(
        municipality=municipality,
        kind=kind,
        source=ImportSource.COMMAND,
        file_name=_file_name(path.name),
    )
    try:
        content = path.read_bytes()
    except OSError:
        run.message = _("The file could not be opened.")
        _forget(run, ImportStatus.REFUSED)
        _log(actor=None, run=run, municipality=municipality)
        return run, None
    run.status = ImportStatus.PREVIEW
    run.save()
    _apply(actor=None, run=run, content=content)
    return run, content


def import_drop_folder_sync(*, folder, delete=True):
    """Every file in `folder/<municipality code>/`, oldest first, as an enrolments file of that
    municipality; each file is deleted once it has been imported (or refused)."""
    runs = []
    folder = Path(folder)
    if not folder.is_dir():
        return runs
    for municipality in Municipality.objects.all():
        drop = folder / municipality.code
        if not drop.is_dir():
            continue
        files = sorted(
            (p for p in drop.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".xlsx")),
            key=lambda p: p.stat().st_mtime,
        )
        for path in files:
            run, _content = import_file_sync(
                municipality=municipality, kind=ImportKind.ENROLMENTS, path=path
            )
            runs.append(run)
            if delete:
                path.unlink(missing_ok=True)
    return runs
