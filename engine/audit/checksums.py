"""A deployed version's checksum: over what its files mean, not how they were written out.

Deploying a diagram whose meaning did not change keeps its version. Two exports of one
diagram (our modeler, plain bpmn-js, another editor) differ in ways that mean nothing to
the engine; the checksum is taken over a canonical form that leaves them out:

- the order of attributes, namespace prefixes and declarations, whitespace between
  elements, comments and processing instructions;
- the exporting tool's name and version (`exporter`, `exporterVersion`);
- the diagram interchange (BPMNDI, DMNDI): where shapes and arrows are drawn. A shape
  moved on the canvas is not a change of meaning, so it makes no new version (its new
  place is kept in the draft and the files, not in the deployed version);
- an attribute written with its default value (`isSequential="false"`), which editors leave out;
- the order of sibling elements of different kinds, which editors write in their own
  order. Siblings of one kind keep theirs (a decision table's rules, a gateway's flows).

Element and attribute names, attribute values and every text (scripts, conditions,
labels, documentation) are kept as written.
"""
import hashlib
import json

from lxml import etree

_LAYOUT = {"{http://www.omg.org/spec/BPMN/20100524/DI}BPMNDiagram",
           "{https://www.omg.org/spec/DMN/20191111/DMNDI/}DMNDI",
           "{http://www.omg.org/spec/DMN/20180521/DMNDI/}DMNDI"}
_TOOL = {"exporter", "exporterVersion"}
_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
# The BPMN 2.0 schema's attribute defaults: written or left out, they mean the same.
_DEFAULTS = {"gatewayDirection": "Unspecified", "instantiate": "false", "eventGatewayType": "Exclusive",
             "mustUnderstand": "false", "isReference": "false", "textFormat": "text/plain",
             "isInterrupting": "true", "parallelMultiple": "false", "cancelActivity": "true",
             "waitForCompletion": "true", "isCollection": "false", "isUnlimited": "true", "loopType": "None",
             "isForCompensation": "false", "startQuantity": "1", "completionQuantity": "1",
             "triggeredByEvent": "false", "isSequential": "false", "behavior": "All", "testBefore": "false",
             "cancelRemainingInstances": "true", "expressionLanguage": "http://www.w3.org/1999/XPath",
             "typeLanguage": "http://www.w3.org/2001/XMLSchema"}
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)


def version_checksum(sources, forms):
    """The checksum of a version: its source files in canonical form, and the forms it uses."""
    canonical = {name: canonical_form(text) for name, text in sources.items()}
    return hashlib.sha256(json.dumps([canonical, forms], sort_keys=True).encode()).hexdigest()


def legacy_checksum(sources, forms):
    """The checksum versions deployed before the canonical form had: over the files' exact text."""
    return hashlib.sha256(json.dumps([sources, forms], sort_keys=True).encode()).hexdigest()


def matches(version):
    """Whether a stored version's sources and forms still give its checksum (either formula)."""
    return version.checksum in (version_checksum(version.sources, version.forms),
                                legacy_checksum(version.sources, version.forms))


def canonical_form(text):
    """A file's meaning as plain JSON values (the text itself when it is not well-formed XML)."""
    try:
        root = etree.fromstring(text.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError:
        return text
    return _element(root, top=True)


def _element(element, top=False):
    bpmn = element.tag.startswith(_BPMN)
    attributes = {name: _value(element, name, value) for name, value in element.attrib.items()
                  if not (top and name in _TOOL) and not (bpmn and _DEFAULTS.get(name) == value)}
    children = [child for child in element if isinstance(child.tag, str) and child.tag not in _LAYOUT]
    children.sort(key=lambda child: child.tag)  # stable: siblings of one kind keep their order
    return [element.tag, attributes, _text(element.text), [[*_element(c), _text(c.tail)] for c in children]]


def _value(element, name, value):
    """An attribute's value; an xsi:type names a type by prefix, written here with its namespace."""
    if name != _XSI_TYPE:
        return value
    prefix, local = value.split(":", 1) if ":" in value else (None, value)
    return f"{{{element.nsmap.get(prefix, prefix or '')}}}{local}"


def _text(text):
    return text if text and text.strip() else ""
