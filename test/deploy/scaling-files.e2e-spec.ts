import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { KNOWN_VARIABLES, validateEnvironment } from '../../src/config/environment';
import { checkConfig, configFor, HAPROXY_TEMPLATE } from '../scale/support/haproxy-balancer';
import { ROOT } from '../support/spawned-app';

// The files that run DUCK-E past one machine, kept as tested as the code. No Docker engine and
// no cluster run here, so: the compose `scale` profile is read as data; the HAProxy config is
// checked by the real haproxy (and run by test/scale/); the Kubernetes manifests are validated
// against the Kubernetes API's JSON schemas (npm package kubernetes-models, ajv validators)
// and held to what the app needs (probes, drain timing, one source of settings).

const KUBE_DIR = join(ROOT, 'deploy', 'kubernetes');
const VALIDATOR = join(__dirname, 'support', 'validate-kubernetes.mjs');

interface Verdict {
  file: string;
  apiVersion: string;
  kind: string;
  name?: string;
  schema: string | null;
  errors: string[];
}

function validateManifests(files: string[]): Verdict[] {
  return JSON.parse(execFileSync(process.execPath, [VALIDATOR, ...files], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })) as Verdict[];
}

type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const manifests: Manifest[] = readdirSync(KUBE_DIR)
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) => parseAllDocuments(readFileSync(join(KUBE_DIR, file), 'utf8')).map((document) => document.toJSON() as Manifest));
const manifest = (kind: string) => {
  const found = manifests.find((candidate) => candidate.kind === kind);
  if (!found) throw new Error(`no ${kind} in deploy/kubernetes`);
  return found;
};

describe('compose `scale` profile', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Manifest>; networks: Record<string, Manifest> };

  it('runs N instances on Redis behind HAProxy with the shipped config, X-Forwarded-For trusted from the balancer only', () => {
    const pool = compose.services['duck-e-pool'];
    const balancer = compose.services.balancer;
    expect(pool.profiles).toEqual(['scale']);
    expect(balancer.profiles).toEqual(['scale']);
    expect(compose.services.redis.profiles).toContain('scale');
    expect(pool.deploy.replicas).toBe(3);
    // Up to this many members are found by the balancer's server-template.
    expect(Number(/^\s*server-template app 1-(\d+) /m.exec(readFileSync(HAPROXY_TEMPLATE, 'utf8'))?.[1])).toBeGreaterThanOrEqual(pool.deploy.replicas);
    expect(pool.ports).toBeUndefined();
    expect(pool.container_name).toBeUndefined();
    expect(pool.environment.REDIS_URL).toBe('redis://redis:6379/0');
    expect(pool.depends_on.redis.condition).toBe('service_healthy');
    // The balancer's fixed address, inside the fixed subnet, is the only trusted hop.
    const balancerIp = balancer.networks.scale.ipv4_address as string;
    expect(pool.environment.TRUST_PROXY).toBe(balancerIp);
    expect(balancerIp.startsWith(String(compose.networks.scale.ipam.config[0].subnet).replace(/0\/24$/, ''))).toBe(true);
    expect(validateEnvironment({ TRUST_PROXY: pool.environment.TRUST_PROXY, REDIS_URL: pool.environment.REDIS_URL })).toBeTruthy();
    expect(balancer.volumes).toContain('./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    expect(balancer.ulimits.nofile.soft).toBeGreaterThan(2 * 20_000);
    // The pool members are the compose service the config's server-template resolves.
    expect(readFileSync(HAPROXY_TEMPLATE, 'utf8')).toMatch(/^\s*server-template app \S+ duck-e-pool:8000 /m);
    expect(pool.healthcheck.test).toEqual(compose.services['duck-e'].healthcheck.test);
    expect(pool.healthcheck.test.join(' ')).toContain('/healthz');
    expect(Number.parseInt(String(pool.stop_grace_period), 10)).toBeGreaterThan(10);
  });
});

describe('deploy/haproxy/haproxy.cfg', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ducke-haproxy-check-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is valid for haproxy as shipped (compose) and as the e2e suite runs it, stats on or off', () => {
    expect(checkConfig(HAPROXY_TEMPLATE)).toBeNull();
    expect(checkConfig(HAPROXY_TEMPLATE, { DUCKE_LB_BIND: ':8000', DUCKE_LB_STATS_BIND: '127.0.0.1:8404' })).toBeNull();
    const generated = join(dir, 'haproxy.cfg');
    writeFileSync(generated, configFor([{ name: 'app1', port: 18001 }, { name: 'app2', port: 18002 }]));
    expect(checkConfig(generated, { DUCKE_LB_BIND: '127.0.0.1:18000', DUCKE_LB_CHECK_INTER: '250ms', DUCKE_LB_MAXCONN: '4000' })).toBeNull();
    // A broken file is refused, so the checks above mean something.
    writeFileSync(generated, configFor([{ name: 'app1', port: 18001 }]).replace('balance leastconn', 'balance fewest-please'));
    expect(checkConfig(generated)).toMatch(/balance only supports/);
  });

  it('checks /readyz, passes X-Forwarded-For, retries a refused upgrade elsewhere and lets WebSockets idle past the app ping', () => {
    const config = readFileSync(HAPROXY_TEMPLATE, 'utf8');
    expect(config).toMatch(/^\s*http-check send meth GET uri \/readyz$/m);
    expect(config).toMatch(/^\s*option forwardfor$/m);
    expect(config).toMatch(/^\s*retry-on 503 conn-failure empty-response$/m);
    expect(config).toMatch(/^\s*option redispatch/m);
    expect(config).toMatch(/^\s*balance leastconn$/m);
    expect(config).not.toMatch(/http-buffer-request/);
    const tunnel = /^\s*timeout tunnel (\d+)m$/m.exec(config);
    expect(Number(tunnel?.[1]) * 60).toBeGreaterThan(20 * 2);
  });
});

describe('deploy/kubernetes', () => {
  it('every manifest is valid against the Kubernetes API schemas, and a broken one is not', () => {
    const files = readdirSync(KUBE_DIR).filter((file) => file.endsWith('.yaml')).map((file) => join(KUBE_DIR, file));
    const verdicts = validateManifests(files);
    const checked = verdicts.filter(({ schema }) => schema !== null);
    expect(checked.map(({ kind }) => kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'PodDisruptionBudget', 'Secret', 'Service']);
    expect(verdicts.filter(({ schema }) => schema === null).map(({ kind }) => kind)).toEqual(['Kustomization']);
    expect(checked.filter(({ errors }) => errors.length)).toEqual([]);

    const dir = mkdtempSync(join(tmpdir(), 'ducke-kube-'));
    try {
      const broken = structuredClone(manifest('Deployment'));
      broken.spec.replicas = 'three';
      delete broken.spec.template.spec.containers[0].name;
      broken.spec.template.spec.containers[0].readinessProbe.httpGet.port = { name: 'http' };
      writeFileSync(join(dir, 'broken.yaml'), JSON.stringify(broken));
      const [verdict] = validateManifests([join(dir, 'broken.yaml')]);
      expect(verdict.errors.join('\n')).toMatch(/\/spec\/replicas/);
      expect(verdict.errors.join('\n')).toMatch(/name/);
      expect(verdict.errors.join('\n')).toMatch(/readinessProbe\/httpGet\/port/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no manifest has a field the Kubernetes API does not know (a misspelled one would be silently dropped)', () => {
    // The JSON schemas allow unknown fields (as the API server does without strict field
    // validation); the same package's TypeScript types do not: each manifest is type-checked as
    // an object literal of its kind, beside one with a misspelled field that must be caught.
    const dir = mkdtempSync(join(ROOT, 'node_modules', '.ducke-kube-types-'));
    try {
      const typed = (kind: string, apiVersion: string, body: unknown) =>
        `import type { I${kind} } from 'kubernetes-models/${apiVersion}/${kind}';\nexport const manifest: I${kind} = ${JSON.stringify(body, null, 2)};\n`;
      manifests
        .filter(({ kind }) => kind !== 'Kustomization')
        .forEach((body, i) => writeFileSync(join(dir, `manifest-${i}-${String(body.kind).toLowerCase()}.ts`), typed(body.kind, body.apiVersion, body)));
      const misspelled = structuredClone(manifest('Deployment'));
      misspelled.spec.template.spec.terminationGracePeriodSecond = 20;
      writeFileSync(join(dir, 'misspelled.ts'), typed('Deployment', 'apps/v1', misspelled));
      const files = readdirSync(dir).map((file) => join(dir, file));
      const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', ...files], { encoding: 'utf8', timeout: 120_000 });
      const errors = tsc.stdout.split('\n').filter((line) => line.includes('error TS'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/misspelled\.ts.*terminationGracePeriodSecond/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('the kustomization lists every manifest', () => {
    const kustomization = parse(readFileSync(join(KUBE_DIR, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    const files = readdirSync(KUBE_DIR).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('probes: readiness on /readyz (fails at once), liveness on /healthz (never on Redis or spend), both on the served port', () => {
    const container = manifest('Deployment').spec.template.spec.containers[0];
    const port = container.ports.find((candidate: Manifest) => candidate.name === 'http');
    expect(port.containerPort).toBe(8000);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.readinessProbe.failureThreshold).toBe(1);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.startupProbe.httpGet.path).toBe('/healthz');
  });

  it('preStop and terminationGracePeriodSeconds leave the app its whole 10 s drain after the endpoints are gone', () => {
    const pod = manifest('Deployment').spec.template.spec;
    const [sleepCommand, seconds] = pod.containers[0].lifecycle.preStop.exec.command as string[];
    expect(sleepCommand).toBe('sleep');
    const preStopSec = Number(seconds);
    expect(preStopSec).toBeGreaterThanOrEqual(3);
    // src/config/app.config.ts shutdownDeadlineMs: the process is gone 10 s after SIGTERM.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopSec + 10);
    expect(manifest('Deployment').spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(manifest('PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1, selector: manifest('Deployment').spec.selector });
  });

  it('settings come from the ConfigMap and the Secret by their .env names, valid as the app validates them', () => {
    const container = manifest('Deployment').spec.template.spec.containers[0];
    expect(container.envFrom).toEqual([{ configMapRef: { name: manifest('ConfigMap').metadata.name } }, { secretRef: { name: manifest('Secret').metadata.name } }]);
    const settings = { ...manifest('ConfigMap').data, ...manifest('Secret').stringData } as Record<string, string>;
    expect(Object.keys(settings).filter((name) => !KNOWN_VARIABLES.has(name))).toEqual([]);
    expect(() => validateEnvironment(settings)).not.toThrow();
    // Secrets stay out of the ConfigMap.
    for (const secret of ['OPENAI_API_KEY', 'REDIS_URL', 'METRICS_TOKEN', 'JWT_SECRET_KEY', 'ADMIN_TOKEN', 'WEATHER_API_KEY']) expect(manifest('ConfigMap').data[secret]).toBeUndefined();
    expect(settings.REDIS_URL).toMatch(/^rediss?:\/\//);
    expect(settings.TRUST_PROXY).not.toBe('off');
  });

  it('the Service and Ingress reach the pods; the Ingress keeps WebSockets open, unbuffered, and retries a draining pod', () => {
    const service = manifest('Service');
    expect(service.spec.selector).toEqual(manifest('Deployment').spec.selector.matchLabels);
    expect(service.spec.ports[0].targetPort).toBe('http');
    const ingress = manifest('Ingress');
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: service.metadata.name, port: { name: service.spec.ports[0].name } });
    const annotations = ingress.metadata.annotations as Record<string, string>;
    expect(Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThan(20 * 2);
    expect(annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    expect(annotations['nginx.ingress.kubernetes.io/proxy-next-upstream']).toContain('http_503');
  });

  it('the autoscaler scales the Deployment on CPU, from at least the PDB-friendly minimum, down slowly', () => {
    const hpa = manifest('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: manifest('Deployment').metadata.name });
    expect(hpa.spec.metrics).toEqual([expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) })]);
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
    // CPU utilisation needs a CPU request to be measured against.
    expect(manifest('Deployment').spec.template.spec.containers[0].resources.requests.cpu).toBeDefined();
  });
});
