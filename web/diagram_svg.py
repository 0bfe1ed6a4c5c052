"""Draw a BPMN diagram as inline SVG on the server, from its DI (shapes and edges), without JavaScript.

Pages that show where a file stands (or how many files stand where) stay light
and work on slow links: no modeler library is sent to the browser. Each element
can carry a CSS class (`completed`, `active`, `error`, `heat-1`..`heat-5`) and a
count badge.
"""
from lxml import etree
from markupsafe import Markup, escape

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC",
      "di": "http://www.omg.org/spec/DD/20100524/DI"}
_EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
_GATEWAY_MARKS = {"exclusiveGateway": "×", "parallelGateway": "+", "inclusiveGateway": "○",
                  "eventBasedGateway": "◇"}
_POOLS = {"participant", "lane"}
_EXPANDED = "expandedSubProcess"


def render(source, classes=None, badges=None, title=""):
    """SVG markup of the diagram in `source` (BPMN XML text); empty Markup if it has no DI.

    `classes` maps element ids to a CSS class, `badges` element ids to a number shown on them.
    """
    classes, badges = classes or {}, badges or {}
    try:
        tree = etree.fromstring(source.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, ValueError):
        return Markup("")
    elements = {e.get("id"): e for e in tree.iter() if isinstance(e.tag, str) and e.get("id")}
    shapes, edges, box = [], [], _Box()
    for shape in tree.iterfind(".//bpmndi:BPMNShape", NS):
        bounds = shape.find("dc:Bounds", NS)
        element = elements.get(shape.get("bpmnElement"))
        if bounds is None or element is None:
            continue
        x, y, w, h = (float(bounds.get(k, 0)) for k in ("x", "y", "width", "height"))
        box.add(x, y, x + w, y + h)
        label = shape.find("bpmndi:BPMNLabel/dc:Bounds", NS)
        label_box = tuple(float(label.get(k, 0)) for k in ("x", "y", "width", "height")) if label is not None \
            else None
        shapes.append(_shape(element, (x, y, w, h), label_box, classes, badges,
                             expanded=shape.get("isExpanded") == "true"))
    for edge in tree.iterfind(".//bpmndi:BPMNEdge", NS):
        points = [(float(p.get("x", 0)), float(p.get("y", 0))) for p in edge.iterfind("di:waypoint", NS)]
        for px, py in points:
            box.add(px, py, px, py)
        element_id = edge.get("bpmnElement") or ""
        if len(points) > 1:
            css = classes.get(element_id, "")
            path = " ".join(f"{px:.0f},{py:.0f}" for px, py in points)
            edges.append(f'<polyline class="flow {escape(css)}" points="{path}" marker-end="url(#arrow)" />')
    if box.empty:
        return Markup("")
    # Pools, lanes and expanded subprocesses go under the flows, which may run inside them.
    pools = [s for kind, s in shapes if kind in _POOLS or kind == _EXPANDED]
    others = [s for kind, s in shapes if kind not in _POOLS and kind != _EXPANDED]
    x0, y0, width, height = box.view(20)
    return Markup(
        f'<svg class="bpmn-diagram" xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.0f} {y0:.0f} {width:.0f} '
        f'{height:.0f}" role="img" aria-label="{escape(title)}"><defs><marker id="arrow" viewBox="0 0 10 10" '
        'refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" /></marker></defs>'
        + "".join(pools) + "".join(edges) + "".join(others) + "</svg>")


class _Box:
    def __init__(self):
        self.empty, self.x0, self.y0, self.x1, self.y1 = True, 0, 0, 0, 0

    def add(self, x0, y0, x1, y1):
        if self.empty:
            self.empty, self.x0, self.y0, self.x1, self.y1 = False, x0, y0, x1, y1
        self.x0, self.y0 = min(self.x0, x0), min(self.y0, y0)
        self.x1, self.y1 = max(self.x1, x1), max(self.y1, y1)

    def view(self, margin):
        return self.x0 - margin, self.y0 - margin, self.x1 - self.x0 + 2 * margin, self.y1 - self.y0 + 2 * margin


def _shape(element, bounds, label_box, classes, badges, expanded=False):
    kind = etree.QName(element).localname
    element_id = element.get("id")
    x, y, w, h = bounds
    name = element.get("name") or ""
    css = f"el {kind} {classes.get(element_id, '')}".strip()
    parts = [f'<g class="{escape(css)}" data-element-id="{escape(element_id)}"><title>{escape(name or element_id)}'
             f'</title>']
    if kind in _POOLS:
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" />')
        cx, cy = x + 15, y + h / 2
        parts.append(f'<text x="{cx:.0f}" y="{cy:.0f}" transform="rotate(-90 {cx:.0f} {cy:.0f})" '
                     f'text-anchor="middle">{escape(name)}</text>')
    elif expanded:  # its own elements are drawn inside: the name goes in the top left corner
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" rx="10" />')
        parts.append(f'<text x="{x + 10:.0f}" y="{y + 18:.0f}">{escape(name)}</text>')
        kind = _EXPANDED
    elif kind in _EVENTS:
        r = min(w, h) / 2
        parts.append(f'<circle cx="{x + w / 2:.0f}" cy="{y + h / 2:.0f}" r="{r:.0f}" />')
        if kind.startswith("intermediate") or kind == "boundaryEvent":
            parts.append(f'<circle cx="{x + w / 2:.0f}" cy="{y + h / 2:.0f}" r="{r - 3:.0f}" />')
        parts.append(_outer_label(name, label_box, x, y + h, w))
    elif kind.endswith("Gateway"):
        cx, cy = x + w / 2, y + h / 2
        parts.append(f'<polygon points="{cx:.0f},{y:.0f} {x + w:.0f},{cy:.0f} {cx:.0f},{y + h:.0f} '
                     f'{x:.0f},{cy:.0f}" />')
        parts.append(f'<text class="mark" x="{cx:.0f}" y="{cy + 7:.0f}" text-anchor="middle">'
                     f'{_GATEWAY_MARKS.get(kind, "")}</text>')
        parts.append(_outer_label(name, label_box, x, y + h, w))
    else:
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" rx="10" />')
        parts.append(_wrapped(name, x + w / 2, y + h / 2, max(8, int(w / 6.5))))
    if element_id in badges:
        parts.append(f'<g class="badge"><circle cx="{x + w:.0f}" cy="{y:.0f}" r="11" />'
                     f'<text x="{x + w:.0f}" y="{y + 4:.0f}" text-anchor="middle">{int(badges[element_id])}</text></g>')
    parts.append("</g>")
    return kind, "".join(parts)


def _outer_label(name, label_box, x, bottom, width):
    if not name:
        return ""
    if label_box:
        lx, ly, lw, lh = label_box
        return _wrapped(name, lx + lw / 2, ly + lh / 2, max(8, int(lw / 6)))
    return _wrapped(name, x + width / 2, bottom + 14, 18)


def _wrapped(text, cx, cy, per_line):
    words, lines, line = (text or "").split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > per_line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    lines = lines[:5]
    top = cy - (len(lines) - 1) * 6.5
    spans = "".join(f'<tspan x="{cx:.0f}" y="{top + i * 13 + 4:.0f}">{escape(t)}</tspan>'
                    for i, t in enumerate(lines))
    return f'<text text-anchor="middle">{spans}</text>' if spans else ""


def heat_classes(counts):
    """A `heat-1`..`heat-5` class per element, by its share of the largest count."""
    top = max(counts.values(), default=0)
    return {element: f"heat-{min(5, 1 + int(4 * n / top))}" for element, n in counts.items() if n and top}
