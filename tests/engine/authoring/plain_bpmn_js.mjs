// A diagram as plain bpmn-js exports it (demo.bpmn.io, Camunda Modeler's core): bpmn-moddle without any
// extension reads each file named on the command line and writes it again. Prints, as JSON,
// {file name: {"xml": the exported text, "warnings": what the import warned about}}.
import { BpmnModdle } from 'bpmn-moddle';
import { readFileSync } from 'fs';
import { basename } from 'path';

const moddle = new BpmnModdle();
const result = {};
for (const path of process.argv.slice(2)) {
  const { rootElement, warnings } = await moddle.fromXML(readFileSync(path, 'utf8'));
  const { xml } = await moddle.toXML(rootElement, { format: true });
  result[basename(path)] = { xml, warnings: warnings.map((w) => w.message) };
}
process.stdout.write(JSON.stringify(result));
