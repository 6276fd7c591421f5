"""Language choice: Vietnamese unless the person picked another language with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
phone would get English menus around Vietnamese legal content. A provincial system defaults to
Vietnamese; English is chosen explicitly (the language cookie set by the switch).
"""

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # restored afterwards: nothing leaks to the next request
            response = self.get_response(request)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response.headers.setdefault("Content-Language", language)
        return response


class DomainErrorMiddleware:
    """One place that turns a service's domain error into what the person sees (see core.errors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied
        from django.http import HttpResponseRedirect, JsonResponse
        from django.shortcuts import render
        from django.utils.http import url_has_allowed_host_and_scheme
        from django.views.defaults import permission_denied

        from .errors import Conflict, DomainError, NotAllowed

        if not isinstance(exception, DomainError):
            return None
        wants_json = request.headers.get("Accept", "").startswith("application/json")
        if isinstance(exception, NotAllowed):
            if wants_json:
                return JsonResponse({"ok": False, "error": exception.message, "errors": exception.errors}, status=403)
            return permission_denied(request, PermissionDenied(exception.message))
        status = 409 if isinstance(exception, Conflict) else 400
        if wants_json:
            return JsonResponse({"ok": False, "error": exception.message, "errors": exception.errors}, status=status)
        back = exception.back
        if not back:
            referer = request.headers.get("Referer", "")
            if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                           require_https=request.is_secure()):
                back = referer
        if request.method == "POST" and back:
            for message in exception.errors:
                messages.error(request, message)
            return HttpResponseRedirect(back)
        return render(request, "core/domain_error.html", {"exception": exception}, status=status)
