// Validates Kubernetes manifests against the Kubernetes API's JSON schemas, offline. The
// schemas ship in the npm package `kubernetes-models` (generated from the Kubernetes OpenAPI
// definitions and compiled to ajv validators); that package is ESM-only, so the e2e spec runs
// this file with node and reads the verdicts as JSON on stdout.
//   node validate-kubernetes.mjs file.yaml… → [{ file, apiVersion, kind, name, schema, errors }]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import process from 'node:process';
import { parseAllDocuments } from 'yaml';

const pascal = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** apps/v1 Deployment → IoK8sApiAppsV1Deployment; v1 Service → IoK8sApiCoreV1Service. */
function definitionOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  if (!group.endsWith('.k8s.io') && group.includes('.')) return undefined; // not a Kubernetes API group (e.g. kustomize)
  return `IoK8sApi${pascal(group.split('.')[0])}${pascal(version)}${kind}`;
}

const verdicts = [];
for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const manifest = document.toJSON();
    if (!manifest) continue;
    const { apiVersion = '', kind = '' } = manifest;
    const definition = definitionOf(apiVersion, kind);
    let validate;
    try {
      if (definition) ({ validate } = await import(`kubernetes-models/_schemas/${definition}`));
    } catch {
      validate = undefined;
    }
    const verdict = { file: basename(file), apiVersion, kind, name: manifest.metadata?.name, schema: validate ? definition : null, errors: [] };
    if (validate && !validate(manifest)) verdict.errors = validate.errors.map(({ instancePath, message, params }) => `${instancePath || '/'} ${message ?? ''} ${JSON.stringify(params)}`.trim());
    verdicts.push(verdict);
  }
}
process.stdout.write(JSON.stringify(verdicts));
