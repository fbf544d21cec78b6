// OTLP conformance of fnguard's logs export and of `fnguard collector`,
// checked against an implementation fnguard shares no code with: the
// OpenTelemetry JS SDK (@opentelemetry/sdk-logs, its OTLP/HTTP exporters) and
// the message classes @opentelemetry/otlp-transformer generates from the
// official opentelemetry-proto files.
//
//   node tests/conformance/otlp_conformance.test.js BUILD_DIR SRC_DIR
//
// 1. fnguard -> official decoder: `fnguard scan` streams findings of known
//    attack events to a receiver here, which decodes the gzip protobuf POST
//    with the official classes and checks the resource, scope, log records
//    and every fnguard attribute against what the scan printed.
// 2. official encoder -> fnguard: the SDK's exporters (protobuf and OTLP/JSON)
//    send fnguard-shaped and generic log records to a real `fnguard
//    collector`; `fnguard events` must show them with the right fields.
//    Malformed bodies get 400 and the collector keeps serving.
'use strict';

const assert = require('node:assert/strict');
const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { test, after } = require('node:test');
const zlib = require('node:zlib');

const [BUILD, SRC] = process.argv.slice(2);
if (!BUILD || !SRC) {
  console.error('usage: node otlp_conformance.test.js BUILD_DIR SRC_DIR');
  process.exit(2);
}
const FNGUARD = path.resolve(BUILD, 'fnguard');
const ATTACKS = path.join(SRC, 'tests/data/events/attacks');
const CLEAN_EVENT = path.join(SRC, 'tests/data/events/apigw-v1-get.json');

const root = require('@opentelemetry/otlp-transformer/build/src/generated/root');
const { ProtobufLogsSerializer, JsonLogsSerializer } = require('@opentelemetry/otlp-transformer');
const { LoggerProvider, SimpleLogRecordProcessor, InMemoryLogRecordExporter } = require('@opentelemetry/sdk-logs');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { SeverityNumber } = require('@opentelemetry/api-logs');
const api = require('@opentelemetry/api');
const { OTLPLogExporter: ProtoLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const { OTLPLogExporter: JsonLogExporter } = require('@opentelemetry/exporter-logs-otlp-http');

const ExportLogsServiceRequest = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
const ExportLogsServiceResponse = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'fnguard-otlp-conformance-'));
const children = [];
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(TMP, { recursive: true, force: true });
});

// ---------------------------------------------------------------- helpers

function run(args, env = {}) {
  return new Promise((resolve) => {
    execFile(FNGUARD, args, { env: { ...process.env, ...env }, timeout: 60000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
  });
}

function post(port, urlPath, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method: 'POST', headers, timeout: 10000,
      agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

// A receiver standing in for an OpenTelemetry collector: records every
// request and answers 200 with an ExportLogsServiceResponse of its own.
function startReceiver() {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      if (req.method !== 'POST' || req.url !== '/v1/logs') {
        res.writeHead(404).end();
        return;
      }
      const answer = ExportLogsServiceResponse.encode(ExportLogsServiceResponse.create({})).finish();
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end(Buffer.from(answer));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, requests, port: server.address().port }));
  });
}

// Starts `fnguard collector` on a free port; resolves once it is listening.
function startCollector(store) {
  const child = spawn(FNGUARD, ['collector', '--listen', '127.0.0.1:0', '--store', store],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`collector did not start: ${stderr}`)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), stderr: () => stderr });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited with ${code}: ${stderr}`));
    });
  });
}

function stopChild(child, signal) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(child.exitCode);
      return;
    }
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

// AnyValue as decoded by the official classes (toObject, longs as strings).
function anyValue(v) {
  assert.ok(v && typeof v === 'object', 'attribute without a value');
  const set = Object.keys(v);
  assert.equal(set.length, 1, `AnyValue must set exactly one member of its oneof, got ${set.join(',')}`);
  return { type: set[0], value: v[set[0]] };
}

function attributeMap(list) {
  const map = new Map();
  for (const kv of list || []) {
    assert.equal(typeof kv.key, 'string');
    assert.ok(!map.has(kv.key), `attribute ${kv.key} appears twice`);
    map.set(kv.key, anyValue(kv.value));
  }
  return map;
}

function expectString(attrs, key, want) {
  assert.ok(attrs.has(key), `attribute ${key} missing; have ${[...attrs.keys()].join(', ')}`);
  assert.deepEqual(attrs.get(key), { type: 'stringValue', value: want }, key);
}

// Decodes one captured POST with the official classes. Re-encoding must give
// the same number of bytes: the decoder drops fields it does not know, so a
// field number or wire type outside the specification would show here.
function decodeExport(req) {
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/v1/logs');
  assert.equal(req.headers['content-type'], 'application/x-protobuf');
  assert.equal(req.headers['content-encoding'], 'gzip');
  const raw = zlib.gunzipSync(req.body);
  const message = ExportLogsServiceRequest.decode(raw);
  assert.equal(ExportLogsServiceRequest.verify(message), null);
  assert.equal(ExportLogsServiceRequest.encode(message).finish().length, raw.length,
    'the request carries fields outside the official ExportLogsServiceRequest schema');
  return ExportLogsServiceRequest.toObject(message, { longs: String, enums: String, bytes: String });
}

function hrTimeNanos([seconds, nanos]) {
  return (BigInt(seconds) * 1000000000n + BigInt(nanos)).toString();
}

// `fnguard events --format json` lines; time_unix_nano is also kept as the
// exact digits (JSON numbers lose precision past 2^53 in JavaScript).
async function storedEvents(store) {
  const listed = await run(['events', '--store', store, '--format', 'json']);
  assert.equal(listed.code, 0, listed.stderr);
  return listed.stdout.split('\n').filter((l) => l.trim() !== '').map((line) => {
    const event = JSON.parse(line);
    event.time_unix_nano_digits = /"time_unix_nano":(\d+)/.exec(line)[1];
    return event;
  });
}

// ------------------------------------------- 1. fnguard -> official decoder

const RESOURCE_ENV = {
  AWS_LAMBDA_FUNCTION_NAME: 'conformance-fn',
  AWS_LAMBDA_FUNCTION_VERSION: '42',
  AWS_REGION: 'eu-central-1',
};

for (const mode of ['block', 'monitor']) {
  test(`fnguard's export (mode ${mode}) decodes with the official OTLP classes`, async () => {
    const receiver = await startReceiver();
    try {
      const policy = path.join(TMP, `policy-${mode}.yaml`);
      fs.writeFileSync(policy, [
        'version: 1',
        `mode: ${mode}`,
        'reporting:',
        `  otlp_endpoint: http://127.0.0.1:${receiver.port}/v1/logs`,
        `  spool_dir: ${path.join(TMP, `spool-${mode}`)}`,
        '',
      ].join('\n'));
      const files = [path.join(ATTACKS, 'apigw-v1-sqli.json'), path.join(ATTACKS, 'apigw-v2-xss.json'), CLEAN_EVENT];
      const before = BigInt(Date.now()) * 1000000n;
      const scan = await run(['scan', '--policy', policy, '--format', 'json', ...files], RESOURCE_ENV);
      const afterScan = BigInt(Date.now() + 1) * 1000000n;
      assert.equal(scan.code, 1, `scan exit code (1 = findings): ${scan.stderr}`);
      const verdicts = new Map(scan.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((v) => [v.file, v]));
      assert.equal(verdicts.size, 3);
      assert.equal(verdicts.get(CLEAN_EVENT).findings.length, 0, 'the clean event has findings');

      assert.ok(receiver.requests.length >= 1, `no OTLP request arrived; scan stderr: ${scan.stderr}`);
      const records = [];
      for (const req of receiver.requests) {
        const decoded = decodeExport(req);
        assert.equal(decoded.resourceLogs.length, 1);
        const rl = decoded.resourceLogs[0];
        const resource = attributeMap(rl.resource.attributes);
        expectString(resource, 'service.name', 'conformance-fn');
        expectString(resource, 'faas.name', 'conformance-fn');
        expectString(resource, 'faas.version', '42');
        expectString(resource, 'cloud.provider', 'aws');
        expectString(resource, 'cloud.region', 'eu-central-1');
        assert.equal(rl.scopeLogs.length, 1);
        assert.equal(rl.scopeLogs[0].scope.name, 'fnguard');
        assert.match(rl.scopeLogs[0].scope.version, /^\d+\.\d+\.\d+/);
        records.push(...rl.scopeLogs[0].logRecords);
      }
      assert.equal(records.length, 2, 'one log record per event with findings');

      const eventIds = new Set();
      for (const record of records) {
        const attrs = attributeMap(record.attributes);
        for (const key of attrs.keys()) {
          assert.ok(key.startsWith('fnguard.') || key === 'faas.invocation_id', `unexpected attribute ${key}`);
        }
        const file = attrs.get('fnguard.function_name').value;
        const verdict = verdicts.get(file);
        assert.ok(verdict, `record names ${file}, which was not scanned`);
        const finding = verdict.findings[0];
        assert.ok(finding, `${file} has no findings but was reported`);

        const severity = mode === 'block' ? 'WARN' : 'INFO';
        assert.equal(record.severityNumber, `SEVERITY_NUMBER_${severity}`);
        assert.equal(record.severityText, severity);
        const t = BigInt(record.timeUnixNano);
        assert.ok(t >= before && t <= afterScan, `timeUnixNano ${t} outside the scan's run [${before}, ${afterScan}]`);
        assert.equal(record.observedTimeUnixNano, record.timeUnixNano);
        assert.deepEqual(anyValue(record.body), { type: 'stringValue', value: finding.reason });
        assert.equal(record.traceId, undefined, 'a scan has no trace id');
        assert.equal(record.spanId, undefined);

        const id = attrs.get('fnguard.event_id');
        assert.equal(id.type, 'stringValue');
        assert.match(id.value, /^[0-9a-f]{32}$/);
        assert.ok(!eventIds.has(id.value), 'event ids repeat');
        eventIds.add(id.value);
        assert.deepEqual(attrs.get('fnguard.schema_version'), { type: 'intValue', value: '1' });
        expectString(attrs, 'fnguard.kind', 'injection');
        expectString(attrs, 'fnguard.action', mode);
        assert.equal(verdict.action, mode);
        expectString(attrs, 'fnguard.detector', finding.detector);
        expectString(attrs, 'fnguard.rule_id', finding.rule_id);
        expectString(attrs, 'fnguard.field_path', finding.field_path);
        expectString(attrs, 'fnguard.excerpt', finding.excerpt);
        expectString(attrs, 'fnguard.event_kind', verdict.event_kind);
        assert.deepEqual(attrs.get('fnguard.timed_out'), { type: 'boolValue', value: verdict.timed_out });
        assert.deepEqual(attrs.get('fnguard.findings'), { type: 'intValue', value: String(verdict.findings.length) });
        expectString(attrs, 'fnguard.function_version', '42');
        expectString(attrs, 'fnguard.region', 'eu-central-1');
      }
      const detectors = records.map((r) => attributeMap(r.attributes).get('fnguard.detector').value).sort();
      assert.deepEqual(detectors, ['sqli', 'xss']);
    } finally {
      receiver.server.close();
    }
  });
}

// ------------------------------------------- 2. official encoder -> fnguard

// Log records made by the OpenTelemetry JS logs SDK.
function sdkRecords(resourceAttributes, emit) {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resourceAttributes),
    processors: [new SimpleLogRecordProcessor(memory)],
  });
  emit(provider.getLogger('conformance', '1.0.0'));
  return memory.getFinishedLogRecords();
}

function withSpan(traceId, spanId) {
  return api.trace.setSpanContext(api.ROOT_CONTEXT, { traceId, spanId, traceFlags: api.TraceFlags.SAMPLED });
}

function exportWith(exporter, records) {
  return new Promise((resolve) => exporter.export(records, resolve));
}

const SQLI = {
  id: '0123456789abcdef0123456789abcdef',
  time: [1767225600, 123456789],
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
};
const EGRESS = { id: 'fedcba9876543210fedcba9876543210', time: [1767225601, 987654321] };
const GENERIC = { time: [1767225602, 5], traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };

test('records from the OpenTelemetry JS SDK are stored by fnguard collector', async () => {
  const store = path.join(TMP, 'events.db');
  const collector = await startCollector(store);
  const url = `http://127.0.0.1:${collector.port}/v1/logs`;

  const resource = {
    'service.name': 'orders-api',
    'faas.name': 'orders-api',
    'faas.version': '$LATEST',
    'cloud.provider': 'aws',
    'cloud.region': 'us-east-1',
  };
  const [sqli] = sdkRecords(resource, (logger) => logger.emit({
    timestamp: SQLI.time,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: "UNION-based SQL injection in query parameter 'id'",
    context: withSpan(SQLI.traceId, SQLI.spanId),
    attributes: {
      'fnguard.event_id': SQLI.id,
      'fnguard.schema_version': 1,
      'fnguard.kind': 'injection',
      'fnguard.action': 'block',
      'fnguard.detector': 'sqli',
      'fnguard.rule_id': 'sqli.union',
      'fnguard.field_path': 'query.id',
      'fnguard.excerpt': "7' UNION ALL SELECT login",
      'fnguard.event_kind': 'apigw-v1',
      'fnguard.trace_id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1',
      'fnguard.policy_version': '3',
      'fnguard.policy_source': '/var/task/policy.yaml',
      'fnguard.timed_out': false,
      'fnguard.findings': 2,
      'faas.invocation_id': 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    },
  }));
  const [egress] = sdkRecords(resource, (logger) => logger.emit({
    timestamp: EGRESS.time,
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'connection to 169.254.169.254:80 is not allowed',
    attributes: {
      'fnguard.event_id': EGRESS.id,
      'fnguard.schema_version': 1,
      'fnguard.kind': 'egress',
      'fnguard.action': 'monitor',
      'fnguard.detector': 'egress',
      'fnguard.rule_id': 'egress.private_address',
      'fnguard.timed_out': true,
      'fnguard.findings': 1,
      'fnguard.function_name': 'forwarded-fn',
      'fnguard.function_version': '7',
      'fnguard.region': 'eu-north-1',
    },
  }));
  // An ordinary application log record: no fnguard attributes at all.
  const [generic] = sdkRecords({ 'service.name': 'checkout' }, (logger) => logger.emit({
    timestamp: GENERIC.time,
    severityNumber: SeverityNumber.ERROR,
    body: 'payment declined',
    context: withSpan(GENERIC.traceId, GENERIC.spanId),
    attributes: { 'http.response.status_code': 402 },
  }));

  // The SDK's own OTLP/HTTP exporters: protobuf (gzip) and OTLP/JSON. No
  // idle keep-alive connections, which would hold up the collector's stop.
  const agent = { keepAlive: false };
  const protoExporter = new ProtoLogExporter({ url, compression: 'gzip', httpAgentOptions: agent });
  const jsonExporter = new JsonLogExporter({ url, httpAgentOptions: agent });
  const results = [
    await exportWith(protoExporter, [sqli]),
    await exportWith(jsonExporter, [egress]),
    // The same generic record in both encodings: a receiver that decodes
    // both the same way stores it once (records without fnguard.event_id
    // are keyed by a hash of their content).
    await exportWith(protoExporter, [generic]),
    await exportWith(jsonExporter, [generic]),
  ];
  for (const [i, r] of results.entries()) {
    assert.equal(r.code, 0, `export ${i} failed: ${r.error && r.error.message}`);
  }
  await protoExporter.shutdown();
  await jsonExporter.shutdown();

  // The SDK's serializers posted by hand, to check the answers' encodings:
  // protobuf identity and OTLP/JSON gzip.
  const asProto = await post(collector.port, '/v1/logs', { 'Content-Type': 'application/x-protobuf' },
    Buffer.from(ProtobufLogsSerializer.serializeRequest([sqli])));
  assert.equal(asProto.status, 200, asProto.body.toString());
  assert.equal(asProto.headers['content-type'], 'application/x-protobuf');
  const protoAnswer = ExportLogsServiceResponse.toObject(ExportLogsServiceResponse.decode(asProto.body));
  assert.equal(protoAnswer.partialSuccess, undefined, 'a full success carries no partial_success');
  const asJson = await post(collector.port, '/v1/logs',
    { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
    zlib.gzipSync(Buffer.from(JsonLogsSerializer.serializeRequest([egress]))));
  assert.equal(asJson.status, 200, asJson.body.toString());
  assert.match(asJson.headers['content-type'], /^application\/json/);
  assert.deepEqual(JsonLogsSerializer.deserializeResponse(asJson.body), {});

  // Malformed bodies: 400, and the collector keeps serving.
  const gzipped = zlib.gzipSync(Buffer.from(ProtobufLogsSerializer.serializeRequest([sqli, egress, generic])));
  const badCrc = Buffer.from(gzipped);
  badCrc[badCrc.length - 6] ^= 0xff;
  const malformed = [
    ['application/x-protobuf', {}, Buffer.from([0x0a, 0x10, 0x01])],  // resource_logs cut short
    ['application/x-protobuf', {}, Buffer.from([0x0a, 0x02, 0x0a, 0x05])],  // nested length past the end
    ['application/json', {}, Buffer.from('{"resourceLogs": [')],
    ['application/json', {}, Buffer.from('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"soon"}]}]}]}')],
    ['application/x-protobuf', { 'Content-Encoding': 'gzip' }, badCrc],
    ['application/x-protobuf', { 'Content-Encoding': 'gzip' }, gzipped.subarray(0, gzipped.length >> 1)],
    ['application/x-protobuf', { 'Content-Encoding': 'gzip' }, gzipped.subarray(0, gzipped.length - 8)],  // no CRC trailer
    ['application/x-protobuf', { 'Content-Encoding': 'gzip' }, gzipped.subarray(0, 10)],  // a bare gzip header
  ];
  for (const [i, [type, extra, body]] of malformed.entries()) {
    const r = await post(collector.port, '/v1/logs', { 'Content-Type': type, ...extra }, body);
    assert.equal(r.status, 400, `malformed request ${i}: status ${r.status} ${r.body.toString()}`);
  }
  assert.equal(collector.child.exitCode, null, 'the collector exited after malformed requests');
  const again = await post(collector.port, '/v1/logs', { 'Content-Type': 'application/x-protobuf' },
    Buffer.from(ProtobufLogsSerializer.serializeRequest([sqli])));
  assert.equal(again.status, 200, 'the collector stopped accepting after malformed requests');

  assert.equal(await stopChild(collector.child, 'SIGTERM'), 0, `collector: ${collector.stderr()}`);

  const events = await storedEvents(store);
  assert.equal(events.length, 3, 'want the sqli, egress and generic events once each, got ' +
    events.map((e) => `${e.event_id} (trace ${e.trace_id || 'none'})`).join(', '));
  const byId = new Map(events.map((e) => [e.event_id, e]));

  const a = byId.get(SQLI.id);
  assert.ok(a, 'the sqli event was not stored');
  assert.equal(a.time_unix_nano_digits, hrTimeNanos(SQLI.time));
  assert.equal(a.time, '2026-01-01T00:00:00.123Z');
  assert.equal(a.schema_version, 1);
  assert.equal(a.kind, 'injection');
  assert.equal(a.action, 'block');
  assert.equal(a.detector, 'sqli');
  assert.equal(a.rule_id, 'sqli.union');
  assert.equal(a.field_path, 'query.id');
  assert.equal(a.excerpt, "7' UNION ALL SELECT login");
  assert.equal(a.reason, "UNION-based SQL injection in query parameter 'id'");
  assert.equal(a.event_kind, 'apigw-v1');
  assert.equal(a.request_id, 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef');
  assert.equal(a.trace_id, 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1');
  assert.equal(a.function_name, 'orders-api');
  assert.equal(a.function_version, '$LATEST');
  assert.equal(a.region, 'us-east-1');
  assert.equal(a.policy_version, '3');
  assert.equal(a.policy_source, '/var/task/policy.yaml');
  assert.equal(a.timed_out, false);
  assert.equal(a.findings, 2);

  const b = byId.get(EGRESS.id);
  assert.ok(b, 'the egress event (OTLP/JSON) was not stored');
  assert.equal(b.time_unix_nano_digits, hrTimeNanos(EGRESS.time));
  assert.equal(b.kind, 'egress');
  assert.equal(b.action, 'monitor');
  assert.equal(b.detector, 'egress');
  assert.equal(b.rule_id, 'egress.private_address');
  assert.equal(b.reason, 'connection to 169.254.169.254:80 is not allowed');
  assert.equal(b.function_name, 'forwarded-fn', 'fnguard.function_name overrides the resource');
  assert.equal(b.function_version, '7');
  assert.equal(b.region, 'eu-north-1');
  assert.equal(b.timed_out, true);
  assert.equal(b.findings, 1);

  const c = events.find((e) => e !== a && e !== b);
  assert.match(c.event_id, /^h[0-9a-f]{32}$/, 'an event without fnguard.event_id is keyed by its content');
  assert.equal(c.time_unix_nano_digits, hrTimeNanos(GENERIC.time));
  assert.equal(c.reason, 'payment declined');
  assert.equal(c.kind, 'unspecified');
  assert.equal(c.trace_id, GENERIC.traceId, "the record's own trace id, as 32 hex digits");
});
