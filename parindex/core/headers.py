"""Permissions-Policy on every response (settings ``PERMISSIONS_POLICY``; docs/security.md).

``{"camera": []}`` → ``camera=()``: the feature is off for this site and everything it embeds;
``{"fullscreen": ["self"]}`` → ``fullscreen=(self)``.
"""

from django.conf import settings


def header_value(policy: dict[str, list[str]]) -> str:
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = header_value(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
