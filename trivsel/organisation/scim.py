"""Staff from the municipality's identity provider: the part of SCIM 2.0 (RFC 7643/7644) a
provider needs to provision and deprovision accounts — Users only, created, read, listed with
`userName eq "…"`, replaced, patched and deleted.

Each request carries a municipality's bearer token (ProvisioningToken, `manage.py scim_token`) and
sees and changes only that municipality's staff, never a platform superuser. Deactivating a user
in the provider (`active: false`, or DELETE) deactivates her here: she cannot log in, and her
sessions end at her next request. Roles come from the resource's `roles` (the role codes, e.g.
`paedagog`); the administrator role is never given or taken here. Every change of roles or active
state is written to the access log (staff_provision)."""

import hashlib
import json
import re
import secrets

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from .models import ProvisioningToken, Role, User
from .services import UNCHANGED, staff_provision

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
CONTENT_TYPE = "application/scim+json"
# Roles the identity provider may give: everything but the municipality's administrators, whose
# privileges are given in the admin by another administrator.
PROVIDER_ROLES = {role.value for role in Role} - {Role.ADMINISTRATOR}
MAX_COUNT = 200
FILTER = re.compile(r'^\s*userName\s+eq\s+"([^"]*)"\s*$', re.IGNORECASE)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, municipality, name):
    """A new token for the municipality's provider; returned once, only its hash is kept."""
    token = secrets.token_urlsafe(32)
    ProvisioningToken.objects.create(
        municipality=municipality, name=name, token_hash=token_hash(token)
    )
    return token


class ScimError(Exception):
    def __init__(self, status, detail, scim_type=None):
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def _answer(data, status=200):
    return JsonResponse(data, status=status, content_type=CONTENT_TYPE)


def _error(error):
    body = {"schemas": [ERROR_SCHEMA], "status": str(error.status), "detail": error.detail}
    if error.scim_type:
        body["scimType"] = error.scim_type
    return _answer(body, status=error.status)


def _municipality_of(request):
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ScimError(401, "A bearer token is required.")
    found = (
        ProvisioningToken.objects.select_related("municipality")
        .filter(token_hash=token_hash(token.strip()))
        .first()
    )
    if found is None:
        raise ScimError(401, "The token is not valid.")
    ProvisioningToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.municipality


def _endpoint(view):
    @csrf_exempt
    def wrapped(request, *args, **kwargs):
        try:
            municipality = _municipality_of(request)
            return view(request, municipality, *args, **kwargs)
        except ScimError as error:
            return _error(error)

    return wrapped


def _people(municipality):
    return (
        # Staff only: guardians' logins are not the identity provider's to manage.
        User.objects.filter(municipality=municipality, is_superuser=False, guardian__isnull=True)
        .select_related("staff_profile")
        .order_by("pk")
    )


def _person(municipality, pk):
    try:
        return _people(municipality).get(pk=int(pk))
    except (User.DoesNotExist, ValueError):
        raise ScimError(404, "No such user.") from None


def _resource(request, user):
    profile = user.staff_profile_or_none
    resource = {
        "schemas": [USER_SCHEMA],
        "id": str(user.pk),
        "userName": user.username,
        "name": {"givenName": user.first_name, "familyName": user.last_name},
        "displayName": user.get_full_name() or user.username,
        "active": user.is_active,
        "emails": [{"value": user.email, "primary": True}] if user.email else [],
        "roles": [{"value": role} for role in profile.roles] if profile else [],
        "meta": {
            "resourceType": "User",
            "location": request.build_absolute_uri(reverse("scim:user", kwargs={"pk": user.pk})),
        },
    }
    if profile and profile.title:
        resource["title"] = profile.title
    return resource


def _body(request):
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ScimError(400, "The body is not JSON.", "invalidSyntax") from None
    if not isinstance(data, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    return data


def _roles(values, *, current):
    """The roles a resource names, the administrator role kept as it was."""
    if not isinstance(values, list):
        raise ScimError(400, "roles must be a list.", "invalidValue")
    roles = []
    for item in values:
        value = item.get("value") if isinstance(item, dict) else item
        if not isinstance(value, str) or value not in PROVIDER_ROLES:
            raise ScimError(400, f"Unknown or reserved role: {str(value)[:40]}", "invalidValue")
        if value not in roles:
            roles.append(value)
    if Role.ADMINISTRATOR in (current or []):
        roles.append(Role.ADMINISTRATOR)
    return roles


def _fields(data, user=None):
    """What a User resource sets, as staff_provision's arguments."""
    name = data.get("name") if isinstance(data.get("name"), dict) else {}
    emails = data.get("emails") if isinstance(data.get("emails"), list) else []
    email = next(
        (e.get("value") for e in emails if isinstance(e, dict) and e.get("primary")), None
    ) or next((e.get("value") for e in emails if isinstance(e, dict)), None)
    if not isinstance(data.get("userName", ""), str):
        raise ScimError(400, "userName must be a string.", "invalidValue")
    username = (data.get("userName") or (user.username if user else "")).strip()
    if not username or len(username) > 150:
        raise ScimError(400, "userName is required (at most 150 characters).", "invalidValue")
    active = data.get("active", True)
    if not isinstance(active, bool):
        raise ScimError(400, "active must be true or false.", "invalidValue")
    current = user.staff_profile_or_none.roles if user and user.staff_profile_or_none else []
    return {
        "username": username,
        "email": str(email or (username if "@" in username else "")).strip()[:254],
        "first_name": str(name.get("givenName", "")).strip()[:150],
        "last_name": str(name.get("familyName", "")).strip()[:150],
        "active": active,
        "title": str(data["title"])[:100] if "title" in data else UNCHANGED,
        "roles": _roles(data["roles"], current=current) if "roles" in data else UNCHANGED,
    }


@_endpoint
def service_provider_config(request, municipality):
    return _answer(
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": True},
            "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": True, "maxResults": MAX_COUNT},
            "changePassword": {"supported": False},
            "sort": {"supported": False},
            "etag": {"supported": False},
            "authenticationSchemes": [
                {"type": "oauthbearertoken", "name": "Bearer token", "primary": True}
            ],
        }
    )


@_endpoint
def users(request, municipality):
    if request.method == "POST":
        fields = _fields(_body(request))
        if User.objects.filter(username__iexact=fields["username"]).exists():
            raise ScimError(409, "A user with that userName exists.", "uniqueness")
        username = fields.pop("username")
        user = staff_provision(municipality=municipality, username=username, **fields)
        return _answer(_resource(request, user), status=201)
    if request.method != "GET":
        raise ScimError(405, "Method not allowed.")
    people = _people(municipality)
    query = request.GET.get("filter", "")
    if query:
        match = FILTER.match(query)
        if not match:
            raise ScimError(400, 'Only the filter userName eq "…" is supported.', "invalidFilter")
        people = people.filter(username__iexact=match.group(1))
    try:
        start = max(int(request.GET.get("startIndex", 1)), 1)
        count = min(max(int(request.GET.get("count", MAX_COUNT)), 0), MAX_COUNT)
    except ValueError:
        raise ScimError(400, "startIndex and count must be numbers.", "invalidValue") from None
    total = people.count()
    page = list(people[start - 1 : start - 1 + count])
    return _answer(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(page),
            "Resources": [_resource(request, user) for user in page],
        }
    )


@_endpoint
def user(request, municipality, pk):
    person = _person(municipality, pk)
    if request.method == "GET":
        return _answer(_resource(request, person))
    if request.method == "DELETE":
        # Deprovisioned: the account is kept (the access log names it), deactivated.
        _save(person, municipality, active=False)
        return HttpResponse(status=204)
    if request.method == "PUT":
        fields = _fields(_body(request), person)
        if fields["username"].casefold() != person.username.casefold():
            raise ScimError(400, "userName cannot be changed.", "mutability")
        fields.pop("username")
        _save(person, municipality, **fields)
    elif request.method == "PATCH":
        _save(person, municipality, **_patched(person, _body(request)))
    else:
        raise ScimError(405, "Method not allowed.")
    return _answer(_resource(request, _person(municipality, pk)))


def _save(person, municipality, **fields):
    current = {
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "active": person.is_active,
    }
    staff_provision(municipality=municipality, user=person, **(current | fields))


def _patched(person, data):
    """The PatchOp operations on the attributes this endpoint keeps, applied to the resource."""
    if PATCH_SCHEMA not in (data.get("schemas") or []):
        raise ScimError(400, "A PatchOp request is expected.", "invalidSyntax")
    resource = {
        "userName": person.username,
        "name": {"givenName": person.first_name, "familyName": person.last_name},
        "emails": [{"value": person.email, "primary": True}] if person.email else [],
        "active": person.is_active,
    }
    operations = data.get("Operations")
    if not isinstance(operations, list) or not all(isinstance(o, dict) for o in operations):
        raise ScimError(400, "Operations must be a list of objects.", "invalidSyntax")
    for operation in operations:
        op = str(operation.get("op", "")).lower()
        path = operation.get("path")
        value = operation.get("value")
        if op not in ("add", "replace"):
            raise ScimError(400, f"Unsupported operation: {op[:20]}", "invalidSyntax")
        if path is None and not isinstance(value, dict):
            raise ScimError(400, "An operation without a path needs an object.", "invalidValue")
        changes = value if path is None else {path: value}
        for key, new in changes.items():
            if key in ("name.givenName", "name.familyName"):
                resource["name"][key.split(".")[1]] = new
            elif key == "name" and isinstance(new, dict):
                resource["name"].update(new)
            elif key in ("active", "title", "roles", "emails"):
                if key == "active" and isinstance(new, str):
                    new = new.lower() == "true"  # some providers send "False"
                resource[key] = new
            elif key != "userName":
                raise ScimError(400, f"Unsupported path: {str(key)[:40]}", "invalidPath")
    fields = _fields(resource, person)
    fields.pop("username")
    return fields
