"""The colours of what the panes draw in Python (Rich text, tables, the trace), from the theme.

Textual maps CSS to the theme's variables, but Rich renderables built in Python name their
styles themselves. Here each kind of mark has a style name (`ipc.wait`, `ipc.muted`, ...) and a
Rich theme, made from the current Textual theme's variables and pushed onto the app's console,
gives each its colour. So a theme change recolours everything, and no pane holds a literal
colour. A theme file may set any of them itself with a variable of the same name
(`ipc-wait = ...` under `[variables]`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.style import Style
from rich.theme import Theme as RichTheme
from textual.app import App
from textual.color import Color
from textual.theme import Theme

# each style name: the theme variable it takes its colour from, and its attributes
ROLES: dict[str, tuple[str, str]] = {
    "ipc.muted": ("muted", ""),  # secondary text: labels, totals, what is free
    "ipc.frame": ("muted", ""),  # the ring's frame and rules
    "ipc.ok": ("text-success", ""),  # ready, free, a value available
    "ipc.bad": ("text-error", ""),  # an errno, a closed end, a dead owner
    "ipc.bad.strong": ("text-error", "bold"),
    "ipc.wait": ("text-warning", ""),  # blocked, waiting, pending
    "ipc.wait.strong": ("text-warning", "bold"),
    "ipc.mark": ("text-accent", "bold"),  # the ring's R and W
    "ipc.info": ("text-primary", ""),  # a state worth noticing (LISTEN)
    "ipc.info.strong": ("text-primary", "bold"),
    "ipc.other": ("text-secondary", ""),  # signals, stops
    "ipc.other.strong": ("text-secondary", "bold"),
    "ipc.narration": ("muted", "italic"),
    "ipc.pipe": ("text-primary", ""),  # each mechanism's frame
    "ipc.shm": ("text-success", ""),
    "ipc.queue": ("text-secondary", ""),
}
MUTED_ALPHA = 0.72  # secondary text: the foreground this strong over the background


def muted(variables: Mapping[str, str]) -> Color:
    """Secondary text and quiet frames: the theme's own `ipc-muted`, else its foreground
    MUTED_ALPHA strong over its background."""
    if own := variables.get("ipc-muted"):
        return Color.parse(own)
    background = Color.parse(variables["background"])
    return background.blend(Color.parse(variables["foreground"]), MUTED_ALPHA)


def css_defaults(theme: Theme) -> dict[str, str]:
    """The CSS variables we add to every theme (a theme file may set its own)."""
    return {"ipc-muted": muted(theme.to_color_system().generate()).hex6}


def colours(variables: Mapping[str, str]) -> dict[str, Color]:
    """Each colour variable a role names, as a solid colour over the theme's background."""
    background = Color.parse(variables["background"])
    out: dict[str, Color] = {}
    for var, _ in ROLES.values():
        own = variables.get(var)
        if var == "muted":
            out[var] = muted(variables)
        else:
            out[var] = background + Color.parse(own or variables["foreground"])
    return out


def rich_theme(variables: Mapping[str, str]) -> RichTheme:
    """The style names, coloured from a Textual theme's variables."""
    found = colours(variables)
    styles = {}
    for name, (var, attrs) in ROLES.items():
        own = variables.get(name.replace(".", "-"))  # a theme's own choice: `ipc-wait`
        colour = Color.parse(own) if own else found[var]
        styles[name] = Style.parse(f"{attrs} {colour.hex6}".strip())
    return RichTheme(styles, inherit=False)


def install(app: App[object], recolour: Callable[[], None]) -> None:
    """Colour the style names from the app's theme, now and at every change of theme; then
    `recolour` redraws what was drawn with the old colours and kept."""
    pushed = False

    def push(_: object = None) -> None:
        nonlocal pushed
        if pushed:
            app.console.pop_theme()
        app.console.push_theme(rich_theme(app.get_css_variables()))
        pushed = True
        if _ is not None:
            recolour()

    push()
    app.theme_changed_signal.subscribe(app, push)


def luminance(colour: Color) -> float:
    """WCAG 2 relative luminance of an opaque colour."""

    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio, 1 to 21; AA asks 4.5 of text."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
