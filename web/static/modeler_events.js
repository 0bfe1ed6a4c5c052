// The modeler's side panel for messages and signals: the message an element sends or waits on (by name),
// its content, how it finds its file (correlation), who may send it from outside; the signal of a signal event.
// modeler.js calls djolibaEventFields(modeler, helpers) once, then the function it returns for each element shown.
(function () {
  "use strict";
  var SPIFF = "spiffworkflow:";

  window.djolibaEventFields = function (modeler, helpers) {
    var modeling = modeler.get("modeling"), moddle = modeler.get("moddle");
    var T = helpers.texts, field = helpers.field;

    function definitionOf(bo, type) {
      return (bo.eventDefinitions || []).filter(function (d) { return d.$type === type; })[0];
    }
    function roots() { return modeler.getDefinitions().get("rootElements"); }
    function addRoot(element, root) {
      var definitions = modeler.getDefinitions();
      modeling.updateModdleProperties(element, definitions, { rootElements: roots().concat([root]) });
      return root;
    }
    function removeRoot(element, root) {
      var definitions = modeler.getDefinitions();
      modeling.updateModdleProperties(element, definitions,
        { rootElements: roots().filter(function (r) { return r !== root; }) });
    }
    function identifier(prefix, name) {  // an XML id made of a name: letters, digits, _ and -
      var base = prefix + "_" + name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^\w-]+/g, "_");
      var id = base, n = 1;
      while (roots().some(function (r) { return r.id === id; })) { id = base + "_" + (n += 1); }
      return id;
    }

    // A message or signal by name: the file's declaration of that name, declared when new.
    function declared(element, type, name) {
      var found = roots().filter(function (r) { return r.$type === type && r.name === name; })[0];
      return found || addRoot(element, moddle.create(type, { id: identifier(type === "bpmn:Message" ? "message" : "signal", name), name: name }));
    }
    function nameField(element, owner, reference, type, label, id) {
      field(label, id, owner[reference] ? owner[reference].name : "", function (value) {
        var props = {};
        props[reference] = value.trim() ? declared(element, type, value.trim()) : undefined;
        modeling.updateModdleProperties(element, owner, props);
        helpers.refresh(element);  // the correlation fields follow the message
      });
    }

    // Correlation: a bpmn:correlationProperty whose retrieval expression reads the value in the message's
    // content, and on a waiting element the file's own value (spiffworkflow:processVariableCorrelation).
    function retrievalOf(message) {
      var found = null;
      roots().forEach(function (root) {
        if (root.$type !== "bpmn:CorrelationProperty") { return; }
        (root.correlationPropertyRetrievalExpression || []).forEach(function (r) {
          if (!found && r.messageRef === message) { found = { property: root, retrieval: r }; }
        });
      });
      return found;
    }
    function fileCorrelation(owner) {
      return helpers.extensionValues(owner).filter(function (v) { return v.$type === SPIFF + "ProcessVariableCorrelation"; })[0];
    }
    function setCorrelation(element, owner, message, property, inMessage, inFile) {
      var current = retrievalOf(message);
      if (current) {
        var kept = current.property.get("correlationPropertyRetrievalExpression").filter(function (r) { return r !== current.retrieval; });
        if (kept.length) {
          modeling.updateModdleProperties(element, current.property, { correlationPropertyRetrievalExpression: kept });
        } else {
          removeRoot(element, current.property);
        }
      }
      if (property && inMessage) {
        var target = roots().filter(function (r) { return r.$type === "bpmn:CorrelationProperty" && r.id === property; })[0]
          || addRoot(element, moddle.create("bpmn:CorrelationProperty", { id: property, name: property, correlationPropertyRetrievalExpression: [] }));
        var retrieval = moddle.create("bpmn:CorrelationPropertyRetrievalExpression", {
          messageRef: message, messagePath: moddle.create("bpmn:FormalExpression", { body: inMessage }) });
        modeling.updateModdleProperties(element, target, {
          correlationPropertyRetrievalExpression: target.get("correlationPropertyRetrievalExpression").concat([retrieval]) });
      }
      if (inFile === null) { return; }  // a sending element has no value of its own
      var ext = helpers.ensureExtensions(element, owner), values = ext.get("values");
      var old = fileCorrelation(owner);
      values = values.filter(function (v) { return v !== old; });
      if (property && inFile) {
        values = values.concat([moddle.create(SPIFF + "ProcessVariableCorrelation", { propertyId: property, expression: inFile })]);
      }
      modeling.updateModdleProperties(element, ext, { values: values });
    }
    function correlationFields(element, owner, catching) {
      var message = owner.messageRef;
      if (!message) { return; }
      var current = retrievalOf(message), mine = fileCorrelation(owner);
      var inputs = {};
      function apply() {
        setCorrelation(element, owner, message, inputs.property.value.trim().replace(/[^\w-]+/g, "_"),
                       inputs.message.value.trim(), catching ? inputs.file.value.trim() : null);
      }
      inputs.property = field(T.correlation_property, "correlationProperty", current ? current.property.id : "", apply);
      inputs.message = field(T.correlation_in_message, "correlationInMessage",
                             current && current.retrieval.messagePath ? current.retrieval.messagePath.body : "", apply);
      if (catching) {
        inputs.file = field(T.correlation_in_file, "correlationInFile", mine ? mine.expression : "", apply);
      }
    }

    return function eventFields(element) {
      var bo = element.businessObject, type = element.type;
      var catching = /(StartEvent|IntermediateCatchEvent|BoundaryEvent|ReceiveTask)$/.test(type);
      var owner = /(SendTask|ReceiveTask)$/.test(type) ? bo : definitionOf(bo, "bpmn:MessageEventDefinition");
      if (owner) {
        helpers.heading(T.message_section);
        nameField(element, owner, "messageRef", "bpmn:Message", T.message_name, "messageName");
        if (catching) {
          field(T.message_variable, "messageVariable", helpers.getBody(owner, SPIFF + "MessageVariable"),
                function (v) { helpers.setBody(element, SPIFF + "MessageVariable", v, owner); });
          field(T.allowed_senders, "allowedSenders", helpers.getProperty(bo, "allowedSenders"),
                function (v) { helpers.setProperty(element, "allowedSenders", v); });
        } else {
          field(T.message_payload, "messagePayload", helpers.getBody(owner, SPIFF + "MessagePayload"),
                function (v) { helpers.setBody(element, SPIFF + "MessagePayload", v, owner); }, { multiline: true });
        }
        correlationFields(element, owner, catching);
      }
      var signal = definitionOf(bo, "bpmn:SignalEventDefinition");
      if (signal) {
        helpers.heading(T.signal_section);
        nameField(element, signal, "signalRef", "bpmn:Signal", T.signal_name, "signalName");
        if (catching) {
          field(T.allowed_senders, "allowedSenders", helpers.getProperty(bo, "allowedSenders"),
                function (v) { helpers.setProperty(element, "allowedSenders", v); });
        }
      }
    };
  };
}());
