"""The engine's snapshots of the session's kernel, for every widget that draws one.

One cache for the app: the process table, the banner and the pane in front ask for snapshots of
the same kernel during a step, and each is made once per kernel version (engine.views)."""

from __future__ import annotations

from ...engine.views import ViewCache

VIEWS = ViewCache()
