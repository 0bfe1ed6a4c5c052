// Djoliba's modeler: bpmn-js with a side panel for the properties our engine reads,
// saving drafts, checking them (problems marked on their elements) and deploying.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("modeler-data").textContent);
  var T = data.texts;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;

  // The spiffworkflow extension elements, so that bpmn-js reads, edits and writes them (an element of
  // this namespace that is not described here would be dropped on import).
  var spiffworkflow = {
    name: "SpiffWorkflow", uri: "http://spiffworkflow.org/bpmn/schema/1.0/core", prefix: "spiffworkflow",
    xml: { tagAlias: "lowerCase" },
    types: [
      { name: "Properties", superClass: ["Element"],
        properties: [{ name: "properties", type: "Property", isMany: true }] },
      { name: "Property", superClass: ["Element"],
        properties: [{ name: "name", type: "String", isAttr: true }, { name: "value", type: "String", isAttr: true }] },
      { name: "PreScript", superClass: ["Element"], properties: [{ name: "value", type: "String", isBody: true }] },
      { name: "PostScript", superClass: ["Element"], properties: [{ name: "value", type: "String", isBody: true }] },
      { name: "CalledDecisionId", superClass: ["Element"],
        properties: [{ name: "value", type: "String", isBody: true }] },
      { name: "InstructionsForEndUser", superClass: ["Element"],
        properties: [{ name: "value", type: "String", isBody: true }] },
      { name: "MessageVariable", superClass: ["Element"],
        properties: [{ name: "value", type: "String", isBody: true }] },
      { name: "MessagePayload", superClass: ["Element"],
        properties: [{ name: "value", type: "String", isBody: true }] },
      { name: "ProcessVariableCorrelation", superClass: ["Element"],
        properties: [{ name: "propertyId", type: "String" }, { name: "expression", type: "String" }] },
      { name: "PayloadExpression", superClass: ["Element"],
        properties: [{ name: "value", type: "String", isBody: true }] },
      { name: "VariableName", superClass: ["Element"],
        properties: [{ name: "value", type: "String", isBody: true }] },
      { name: "ServiceTaskOperator", superClass: ["Element"],
        properties: [{ name: "id", type: "String", isAttr: true }, { name: "resultVariable", type: "String", isAttr: true },
                     { name: "parameters", type: "Parameters" }, { name: "retry", type: "Retry" }] },
      { name: "Parameters", superClass: ["Element"],
        properties: [{ name: "parameters", type: "Parameter", isMany: true }] },
      { name: "Parameter", superClass: ["Element"],
        properties: [{ name: "id", type: "String", isAttr: true }, { name: "type", type: "String", isAttr: true },
                     { name: "value", type: "String", isAttr: true }] },
      { name: "Retry", superClass: ["Element"],
        properties: [{ name: "retries", type: "String", isAttr: true }, { name: "backoff_base", type: "String", isAttr: true }] },
      { name: "TaskMetadataValues", superClass: ["Element"],
        properties: [{ name: "values", type: "TaskMetadataValue", isMany: true }] },
      { name: "TaskMetadataValue", superClass: ["Element"],
        properties: [{ name: "name", type: "String", isAttr: true }, { name: "value", type: "String", isAttr: true }] }
    ]
  };
  var LANES = ["DCIM", "Direction régionale", "Évaluateur", "Centre de formation", "Propriétaire", "Direction"];

  var modeler = new BpmnJS({ container: "#canvas", moddleExtensions: { spiffworkflow: spiffworkflow } });
  var modeling = modeler.get("modeling"), moddle = modeler.get("moddle");
  var registry = modeler.get("elementRegistry"), canvas = modeler.get("canvas");
  var overlays = modeler.get("overlays"), selection = modeler.get("selection");
  var revision = data.revision, dirty = false, marked = [];
  var panel = document.getElementById("panel"), statusLine = document.getElementById("modeler-status");

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = kind || "";
  }

  // --- reading and writing what the engine needs ---------------------------------------------
  function extensionValues(bo) {
    return (bo.extensionElements && bo.extensionElements.values) || [];
  }
  // `owner`: the element's business object by default, or a part of it (a message event definition).
  function ensureExtensions(element, owner) {
    owner = owner || element.businessObject;
    if (!owner.extensionElements) {
      modeling.updateModdleProperties(element, owner, { extensionElements: moddle.create("bpmn:ExtensionElements", { values: [] }) });
    }
    return owner.extensionElements;
  }
  function propertiesOf(bo) {
    return extensionValues(bo).filter(function (v) { return v.$type === "spiffworkflow:Properties"; })[0];
  }
  function getProperty(bo, name) {
    var props = propertiesOf(bo);
    var found = props && (props.properties || []).filter(function (p) { return p.name === name; })[0];
    return found ? found.value || "" : "";
  }
  function setProperty(element, name, value) {
    var ext = ensureExtensions(element), props = propertiesOf(element.businessObject);
    if (!props) {
      props = moddle.create("spiffworkflow:Properties", { properties: [] });
      modeling.updateModdleProperties(element, ext, { values: ext.get("values").concat([props]) });
    }
    var list = props.get("properties");
    var found = list.filter(function (p) { return p.name === name; })[0];
    if (!value) {
      if (found) { modeling.updateModdleProperties(element, props, { properties: list.filter(function (p) { return p !== found; }) }); }
    } else if (found) {
      modeling.updateModdleProperties(element, found, { value: value });
    } else {
      modeling.updateModdleProperties(element, props, { properties: list.concat([moddle.create("spiffworkflow:Property", { name: name, value: value })]) });
    }
  }
  function getBody(bo, type) {
    var found = extensionValues(bo).filter(function (v) { return v.$type === type; })[0];
    return found ? found.value || "" : "";
  }
  function setBody(element, type, value, owner) {
    var ext = ensureExtensions(element, owner), values = ext.get("values");
    var found = values.filter(function (v) { return v.$type === type; })[0];
    if (!value) {
      if (found) { modeling.updateModdleProperties(element, ext, { values: values.filter(function (v) { return v !== found; }) }); }
    } else if (found) {
      modeling.updateModdleProperties(element, found, { value: value });
    } else {
      modeling.updateModdleProperties(element, ext, { values: values.concat([moddle.create(type, { value: value })]) });
    }
  }
  function laneOf(element) {
    var bo = element.businessObject;
    var lane = registry.filter(function (e) {
      return e.type === "bpmn:Lane" && (e.businessObject.flowNodeRef || []).indexOf(bo) >= 0;
    })[0];
    return lane ? lane.businessObject.name || lane.id : "";
  }
  function timerOf(bo) {
    return (bo.eventDefinitions || []).filter(function (d) { return d.$type === "bpmn:TimerEventDefinition"; })[0];
  }

  // --- the side panel --------------------------------------------------------------------------
  function field(label, id, value, onChange, options) {
    options = options || {};
    var wrap = document.createElement("div");
    wrap.className = "field";
    var labelEl = document.createElement("label");
    labelEl.htmlFor = "prop-" + id;
    labelEl.textContent = label;
    var input;
    if (options.choices) {
      input = document.createElement("select");
      options.choices.forEach(function (choice) {
        var option = document.createElement("option");
        option.value = choice[0];
        option.textContent = choice[1];
        input.appendChild(option);
      });
    } else if (options.multiline) {
      input = document.createElement("textarea");
      input.rows = 4;
      input.spellcheck = false;
    } else if (options.checkbox) {
      input = document.createElement("input");
      input.type = "checkbox";
      input.checked = !!value;
    } else {
      input = document.createElement("input");
      if (options.list) { input.setAttribute("list", options.list); }
    }
    input.id = "prop-" + id;
    input.name = id;
    if (!options.checkbox) { input.value = value || ""; }
    if (options.readonly) { input.readOnly = true; }
    input.addEventListener("change", function () {
      onChange(options.checkbox ? input.checked : input.value);
      dirty = true;
      say(T.unsaved);
    });
    wrap.appendChild(labelEl);
    wrap.appendChild(input);
    panel.appendChild(wrap);
    return input;
  }

  function showPanel(element) {
    panel.innerHTML = "";
    if (element && element.labelTarget) { element = element.labelTarget; }  // a label edits its element
    if (!element) {
      panel.innerHTML = "<p></p>";
      panel.firstChild.textContent = T.select;
      return;
    }
    var bo = element.businessObject, type = element.type;
    var heading = document.createElement("h2");
    heading.textContent = T.element + " · " + type.replace("bpmn:", "");
    panel.appendChild(heading);
    field(T.id, "id", element.id, function () {}, { readonly: true });
    if (type === "bpmn:Lane") {
      field(T.lane_name, "name", bo.name, function (v) { modeling.updateLabel(element, v); }, { list: "lane-names" });
      return;
    }
    field(T.name, "name", bo.name, function (v) { modeling.updateLabel(element, v); });
    if (type === "bpmn:UserTask") {
      field(T.lane, "lane", laneOf(element) || T.no_lane, function () {}, { readonly: true });
      var form = getProperty(bo, "formJsonSchemaFilename");
      field(T.form, "formJsonSchemaFilename", form, function (v) { setProperty(element, "formJsonSchemaFilename", v); showPanel(element); },
            { list: "form-names" });
      if (form) {
        var link = document.createElement("a");
        link.href = data.urls.form.replace("NAME", encodeURIComponent(form));
        link.textContent = T.edit_form;
        link.className = "edit-form";
        panel.appendChild(link);
      }
      [["manualSection", T.manual], ["dueIn", T.due_in], ["dueDate", T.due_date], ["dueBy", T.due_by],
       ["regionVariable", T.region],
       ["subjectPerson", T.subject_person]]
        .forEach(function (p) { field(p[1], p[0], getProperty(bo, p[0]), function (v) { setProperty(element, p[0], v); }); });
    }
    if (type === "bpmn:ScriptTask") {
      field(T.script, "script", bo.script, function (v) { modeling.updateProperties(element, { script: v, scriptFormat: "python" }); },
            { multiline: true });
    }
    if (/Task$/.test(type)) {
      field(T.pre_script, "preScript", getBody(bo, "spiffworkflow:PreScript"), function (v) { setBody(element, "spiffworkflow:PreScript", v); }, { multiline: true });
      field(T.post_script, "postScript", getBody(bo, "spiffworkflow:PostScript"), function (v) { setBody(element, "spiffworkflow:PostScript", v); }, { multiline: true });
    }
    if (type === "bpmn:BusinessRuleTask") {
      field(T.decision, "calledDecisionId", getBody(bo, "spiffworkflow:CalledDecisionId"),
            function (v) { setBody(element, "spiffworkflow:CalledDecisionId", v); });
    }
    if (type === "bpmn:SequenceFlow" && bo.sourceRef && /(Exclusive|Inclusive)Gateway$/.test(bo.sourceRef.$type)) {
      var source = registry.get(bo.sourceRef.id);
      field(T.condition, "condition", bo.conditionExpression ? bo.conditionExpression.body : "", function (v) {
        modeling.updateProperties(element, { conditionExpression: v ? moddle.create("bpmn:FormalExpression", { body: v }) : undefined });
      }, { multiline: true });
      field(T.default_flow, "default", source.businessObject.default === bo, function (checked) {
        modeling.updateProperties(source, { "default": checked ? bo : undefined });
      }, { checkbox: true });
    }
    var timer = timerOf(bo);
    if (timer) { timerFields(element, timer); }
    eventFields(element);
  }

  function heading(text) {
    var h = document.createElement("h3");
    h.textContent = text;
    panel.appendChild(h);
  }
  var eventFields = window.djolibaEventFields(modeler, {
    texts: T, field: field, heading: heading, extensionValues: extensionValues, ensureExtensions: ensureExtensions,
    getBody: getBody, setBody: setBody, getProperty: getProperty, setProperty: setProperty,
    refresh: function (element) { showPanel(element); }
  });

  function timerFields(element, timer) {
    var kinds = [["timeDuration", T.duration], ["timeDate", T.date], ["timeCycle", T.cycle]];
    var current = kinds.filter(function (k) { return timer[k[0]]; })[0] || kinds[0];
    var expression = timer[current[0]] ? timer[current[0]].body : "";
    function update(kind, body) {
      var props = { timeDuration: undefined, timeDate: undefined, timeCycle: undefined };
      props[kind] = moddle.create("bpmn:FormalExpression", { body: body });
      modeling.updateModdleProperties(element, timer, props);
    }
    var select = field(T.timer_kind, "timerKind", current[0], function (v) { update(v, expression); }, { choices: kinds });
    field(T.timer_expr, "timerExpression", expression, function (v) { expression = v; update(select.value, v); });
  }

  function datalist(id, values) {
    var list = document.getElementById(id) || document.body.appendChild(document.createElement("datalist"));
    list.id = id;
    list.innerHTML = "";
    values.forEach(function (v) { var o = document.createElement("option"); o.value = v; list.appendChild(o); });
  }

  // --- problems on their elements ---------------------------------------------------------------
  function showProblems(problems) {
    marked.forEach(function (id) { canvas.removeMarker(id, "has-problem"); });
    overlays.remove({ type: "problem" });
    marked = [];
    var list = document.getElementById("problems");
    list.innerHTML = "";
    (problems || []).forEach(function (p) {
      var item = document.createElement("li");
      item.dataset.elementId = p.element_id || "";
      item.innerHTML = "<code></code> <span></span>";
      item.firstChild.textContent = p.element_id || p.file;
      item.lastChild.textContent = p.text || p.message;
      list.appendChild(item);
      var element = p.element_id && registry.get(p.element_id);
      if (element) {
        canvas.addMarker(element.id, "has-problem");
        marked.push(element.id);
        var badge = document.createElement("div");
        badge.className = "problem-badge";
        badge.title = p.text || p.message;
        badge.textContent = "!";
        overlays.add(element.id, "problem", { position: { top: -10, right: 10 }, html: badge });
        item.addEventListener("click", function () { selection.select(element); canvas.scrollToElement(element); });
        item.className = "clickable";
      }
    });
  }

  // --- talking to the server --------------------------------------------------------------------
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    });
  }

  function save() {
    say(T.saving);
    return modeler.saveXML({ format: true }).then(function (result) {
      var files = {};
      files[data.main] = result.xml;
      return post(data.urls.save, { files: files, revision: revision });
    }).then(function (answer) {
      if (answer.status !== 200) { throw answer; }
      revision = answer.json.revision;
      dirty = false;
      say(T.saved, "ok");
      return answer.json;
    });
  }

  function failed(answer) {
    if (answer && answer.status === 409) { say(T.conflict, "error"); return; }
    if (answer && answer.json && answer.json.problems) {
      showProblems(answer.json.problems);
      say(T.problems, "error");
      return;
    }
    say((answer && answer.json && answer.json.message) || T.failed, "error");
  }

  function check() {
    return save().then(function () {
      say(T.checking);
      return post(data.urls.check);
    }).then(function (answer) {
      if (answer.status !== 200) { throw answer; }
      showProblems(answer.json.problems);
      say(answer.json.problems.length ? T.problems : T.no_problem, answer.json.problems.length ? "error" : "ok");
      return answer.json;
    });
  }

  function deploy() {
    return save().then(function () {
      say(T.deploying);
      return post(data.urls.deploy);
    }).then(function (answer) {
      if (answer.status !== 200) { throw answer; }
      showProblems([]);
      window.location.href = data.urls.versions;
    });
  }

  function download() {
    modeler.saveXML({ format: true }).then(function (result) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([result.xml], { type: "application/xml" }));
      link.download = data.main;
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  document.getElementById("save-draft").addEventListener("click", function () { save().catch(failed); });
  document.getElementById("check-draft").addEventListener("click", function () { check().catch(failed); });
  document.getElementById("deploy-draft").addEventListener("click", function () { deploy().catch(failed); });
  document.getElementById("download-bpmn").addEventListener("click", download);
  window.addEventListener("beforeunload", function (event) { if (dirty) { event.preventDefault(); event.returnValue = ""; } });

  modeler.on("selection.changed", function (event) { showPanel(event.newSelection[0]); });
  modeler.on("commandStack.changed", function () { dirty = true; });
  datalist("lane-names", LANES);
  datalist("form-names", data.forms);
  // bpmn-moddle drops loop data references that name a data variable rather than an element
  // (SpiffWorkflow's multi-instance tasks do): put them back after the import, so they are saved.
  function keepLoopReferences(xml) {
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    var loops = doc.getElementsByTagNameNS("http://www.omg.org/spec/BPMN/20100524/MODEL", "multiInstanceLoopCharacteristics");
    Array.prototype.forEach.call(loops, function (loop) {
      var element = registry.get(loop.parentNode.getAttribute("id"));
      var characteristics = element && element.businessObject.loopCharacteristics;
      if (!characteristics) { return; }
      ["loopDataInputRef", "loopDataOutputRef"].forEach(function (name) {
        var ref = loop.getElementsByTagNameNS(loop.namespaceURI, name)[0];
        if (ref && !characteristics[name]) {
          characteristics[name] = moddle.create("bpmn:DataInput", { id: ref.textContent.trim() });
        }
      });
    });
  }

  function load() {
    modeler.importXML(data.xml).then(function () {
      keepLoopReferences(data.xml);
      canvas.zoom("fit-viewport");
      showProblems(data.problems);
      dirty = false;
      document.body.dataset.modelerReady = "1";
    }).catch(function (error) {
      say(T.failed + " " + error.message, "error");
    });
  }
  // On a phone the canvas is hidden (modeler.css) and the page says the modeler needs a computer: a canvas
  // of no size cannot be zoomed to fit (bpmn-js fails), so the diagram is drawn once the screen is wide.
  var narrow = window.matchMedia("(max-width: 700px)");
  function loadWhenWide() {
    if (narrow.matches) { return; }
    narrow.removeEventListener("change", loadWhenWide);
    load();
  }
  narrow.addEventListener("change", loadWhenWide);
  loadWhenWide();
}());
