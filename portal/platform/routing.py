"""Routes a domain adds to a role area's blueprint, registered by the app factory.

The role areas (`/school`, `/enterprise`, `/admin`, `/student`, the public pages and `/auth`) are
blueprints with their guard and their home page. A domain's views for one area are written
against a `Routes` of that area's name, as they would be against the blueprint, and the app
factory adds them to the blueprint explicitly (`portal.register_blueprints`): importing a module
never adds a route, and endpoint names stay `<area>.<view>`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint


class Routes:
    def __init__(self, area: str) -> None:
        self.area = area
        self._setup: list[tuple[str, tuple, dict[str, Any], Callable]] = []
        self._added_to: set[int] = set()

    def _defer(self, method: str, *args: Any, **kwargs: Any) -> Callable[[Callable], Callable]:
        def decorator(view: Callable) -> Callable:
            self._setup.append((method, args, kwargs, view))
            return view

        return decorator

    def route(self, rule: str, **options: Any) -> Callable[[Callable], Callable]:
        return self._defer("route", rule, **options)

    def get(self, rule: str, **options: Any) -> Callable[[Callable], Callable]:
        return self._defer("get", rule, **options)

    def post(self, rule: str, **options: Any) -> Callable[[Callable], Callable]:
        return self._defer("post", rule, **options)

    def errorhandler(self, code_or_exception: Any) -> Callable[[Callable], Callable]:
        return self._defer("errorhandler", code_or_exception)

    def add_to(self, bp: Blueprint) -> None:
        """Adds the routes to `bp` once per process (every app of a process shares the blueprint)."""
        if bp.name != self.area:
            raise ValueError(f"routes for {self.area!r} offered to the blueprint {bp.name!r}")
        if id(bp) in self._added_to:
            return
        for method, args, kwargs, view in self._setup:
            getattr(bp, method)(*args, **kwargs)(view)
        self._added_to.add(id(bp))
