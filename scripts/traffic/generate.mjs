// Writes a seeded, deterministic corpus of realistic benign API traffic for
// fnguard's false-positive measurement (`fnguard eval`, label "benign"):
//
//   --values FILE    one value a line: {"id","source","label","payload"}, where
//                    source is the kind of value (password-printable,
//                    file-path, markdown, ...); embed it with
//                    `fnguard eval --embed query|json-body`.
//   --requests FILE  whole API requests: {"id","source","label","method",
//                    "uri","headers","body"}: JSON bodies with several
//                    fields, query strings, user agents, bearer tokens.
//   --n-values N     values to write (default 24000)
//   --n-requests N   requests to write (default 6000)
//   --seed S         faker seed (default 20250101)
//
// Same seed, same faker version (package-lock.json), same output.
// usage: node scripts/traffic/generate.mjs --values v.jsonl --requests r.jsonl
import { writeFileSync } from "node:fs";
import {
  faker,
  fakerDE,
  fakerEN_IE,
  fakerEN_GB,
  fakerES,
  fakerFR,
  fakerIT,
  fakerJA,
  fakerNL,
  fakerPL,
  fakerPT_BR,
  fakerRU,
  fakerSV,
  fakerZH_CN,
} from "@faker-js/faker";

function parseArgs(argv) {
  const out = { values: null, requests: null, nValues: 24000, nRequests: 6000, seed: 20250101 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--values") out.values = next();
    else if (a === "--requests") out.requests = next();
    else if (a === "--n-values") out.nValues = Number.parseInt(next(), 10);
    else if (a === "--n-requests") out.nRequests = Number.parseInt(next(), 10);
    else if (a === "--seed") out.seed = Number.parseInt(next(), 10);
    else if (a === "--help" || a === "-h") {
      process.stdout.write("usage: node scripts/traffic/generate.mjs [--values FILE] [--requests FILE]\n" +
        "       [--n-values N] [--n-requests N] [--seed S]\n");
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const k of ["nValues", "nRequests", "seed"]) {
    if (!Number.isFinite(out[k]) || out[k] < 0) throw new Error(`bad number for ${k}`);
  }
  if (!out.values && !out.requests) throw new Error("nothing to do: give --values and/or --requests");
  return out;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`generate.mjs: ${e.message}\n`);
  process.exit(2);
}

const REF_DATE = "2025-01-01T00:00:00.000Z";
const locales = [fakerEN_IE, fakerEN_GB, fakerDE, fakerFR, fakerES, fakerIT, fakerNL, fakerPL, fakerPT_BR,
  fakerSV, fakerRU, fakerJA, fakerZH_CN];
function seedAll(seed) {
  faker.seed(seed);
  faker.setDefaultRefDate(REF_DATE);
  locales.forEach((l, i) => {
    l.seed(seed * 31 + i + 1);
    l.setDefaultRefDate(REF_DATE);
  });
}

const f = faker;
const pick = (arr) => f.helpers.arrayElement(arr);
const int = (min, max) => f.number.int({ min, max });
const anyLocale = () => (f.datatype.boolean({ probability: 0.55 }) ? f : pick(locales));

// --- values ---------------------------------------------------------------
const nameParticles = ["O'", "D'", "Dell'", "N'", "Mc", "Mac", "van der ", "de la ", "St. "];
function apostropheName() {
  // Real-world shapes: O'Brien, D'Souza, Dell'Acqua, N'Diaye, and faker's own
  // O'Conner / O'Keefe / O'Reilly style last names.
  for (let i = 0; i < 50; i++) {
    const last = f.person.lastName();
    if (last.includes("'")) return `${f.person.firstName()} ${last}`;
  }
  return `${f.person.firstName()} ${pick(nameParticles.slice(0, 4))}${f.person.lastName()}`;
}

function windowsPath() {
  const user = f.person.firstName();
  const dirs = f.helpers.multiple(() => f.word.noun(), { count: int(0, 3) });
  return [`C:\\Users\\${user}`, pick(["Documents", "Downloads", "Desktop", "Pictures"]), ...dirs,
    f.system.commonFileName(pick(["docx", "xlsx", "pdf", "png", "csv", "txt"]))].join("\\");
}

function queryPairs(n) {
  const keys = ["utm_source", "utm_medium", "utm_campaign", "ref", "page", "lang", "sort", "q", "id",
    "session", "color", "size", "filter", "redirect", "returnTo", "tab", "view"];
  return f.helpers.multiple(() => {
    const k = pick(keys);
    const v = pick([
      () => f.word.noun(),
      () => String(int(1, 500)),
      () => f.commerce.productName(),
      () => f.string.alphanumeric(int(8, 24)),
      () => f.internet.url(),
      () => f.location.countryCode(),
    ])();
    return `${k}=${encodeURIComponent(v)}`;
  }, { count: n }).join("&");
}

function urlWithQuery() {
  const base = f.internet.url({ appendSlash: false });
  const path = f.helpers.multiple(() => f.internet.domainWord(), { count: int(0, 3) }).join("/");
  const frag = f.datatype.boolean({ probability: 0.2 }) ? `#${f.word.noun()}` : "";
  return `${base}/${path}${path ? "/" : ""}?${queryPairs(int(1, 4))}${frag}`;
}

function markdown() {
  const parts = [];
  const blocks = int(2, 5);
  for (let i = 0; i < blocks; i++) {
    parts.push(pick([
      () => `${"#".repeat(int(1, 3))} ${f.company.catchPhrase()}`,
      () => f.lorem.paragraph(int(1, 3)),
      () => `${f.hacker.phrase()} See [${f.word.words(2)}](${urlWithQuery()}).`,
      () => f.helpers.multiple(() => `- ${f.company.buzzPhrase()}`, { count: int(2, 4) }).join("\n"),
      () => f.helpers.multiple((_, j) => `${j + 1}. **${f.word.verb()}** the _${f.word.noun()}_`,
        { count: int(2, 4) }).join("\n"),
      () => `> ${f.hacker.phrase()}\n> — ${f.person.fullName()}`,
      () => `![${f.word.words(2)}](${f.image.url()} "${f.word.words(3)}")`,
      () => `Run \`${pick(["npm", "pip", "cargo", "go"])} ${pick(["install", "test", "build"])}\` in \`${f.system.directoryPath()}\`, then open \`${f.system.fileName()}\`.`,
      () => `| ${f.database.column()} | ${f.database.column()} |\n|---|---|\n| ${f.commerce.price()} | ${f.word.adjective()} |`,
      () => `\`\`\`json\n{"${f.database.column()}": "${f.word.noun()}", "count": ${int(1, 99)}}\n\`\`\``,
      () => `*${f.word.adjective()}* ~~${f.word.noun()}~~ **${f.company.buzzNoun()}** — ${f.internet.emoji()}`,
    ])());
  }
  return parts.join("\n\n");
}

function richText() {
  // What WYSIWYG editors post: simple, benign markup.
  return pick([
    () => `<p>${f.lorem.sentence()}</p>`,
    () => `<p>Hi ${f.person.firstName()},</p><p>${f.company.catchPhrase()}. <strong>${f.word.words(2)}</strong></p>`,
    () => `<ul><li>${f.commerce.productName()}</li><li>${f.commerce.productName()}</li></ul>`,
    () => `<p>See <a href="${f.internet.url()}">${f.word.words(2)}</a> for details.</p>`,
    () => `<h2>${f.book.title()}</h2><p><em>${f.lorem.sentence()}</em></p>`,
    () => `<blockquote>${f.hacker.phrase()}</blockquote>`,
  ])();
}

function sqlishProse() {
  // Business English built from words SQL also uses.
  const noun = () => f.word.noun();
  return pick([
    () => `Please select the ${f.word.adjective()} ${noun()} from the list and update your order where needed.`,
    () => `Union members can drop by the ${noun()} table from 9 to 5, or join online.`,
    () => `Order by ${pick(["Friday", "Monday", "noon", "end of day"])} and we will insert a free ${noun()} into your box!`,
    () => `Sort order: ${pick(["newest first", "price, low to high", "name (A-Z)"])}; group by ${noun()}.`,
    () => `${f.company.name()} and ${f.company.name()}: ${f.company.catchPhrase()}`,
    () => `Delete from cart? ${f.commerce.productName()} (${f.commerce.price({ symbol: "$" })})`,
    () => `Where to buy ${f.commerce.productName()} — select stores, union square and more`,
    () => `Create a new ${noun()} or alter the existing one; having trouble? Call ${f.phone.number()}.`,
    () => `${f.database.column()} ${pick(["asc", "desc"])}`,
    () => `${f.database.type()} ${f.database.column()} (${f.database.collation()})`,
    () => `Drop-off between 1-3pm, ${f.location.streetAddress()} or ${f.location.city()}`,
    () => `Exec summary: ${f.company.buzzPhrase()}, ${f.company.buzzPhrase()}; table it for Q${int(1, 4)}.`,
  ])();
}

function apiParam() {
  return pick([
    () => `${f.database.column()},${f.database.column()},${f.database.column()}`,
    () => `-${f.database.column()}`,
    () => `${f.database.column()}:${pick(["asc", "desc"])}`,
    () => `${f.date.past().toISOString().slice(0, 10)}..${f.date.recent().toISOString().slice(0, 10)}`,
    () => `${int(0, 100)}-${int(101, 1000)}`,
    () => `tag:${f.word.noun()} author:"${f.person.fullName()}"`,
    () => `${f.word.noun()} -${f.word.noun()} "${f.word.words(2)}"`,
    () => `${f.commerce.department()} > ${f.commerce.productAdjective()} ${f.commerce.product()}`,
    () => `${f.string.uuid()},${f.string.uuid()}`,
    () => `${f.location.latitude()},${f.location.longitude()}`,
  ])();
}

function passphrase() {
  const words = f.helpers.multiple(() => f.word.sample(), { count: int(3, 5) });
  const sep = pick([" ", "-", ".", "_", ""]);
  const w = sep === "" ? words.map((x) => x[0].toUpperCase() + x.slice(1)) : words;
  return w.join(sep) + (f.datatype.boolean() ? String(int(0, 99)) : "") +
    (f.datatype.boolean() ? pick(["!", "?", "#", "$", "%", "&", "*"]) : "");
}

function base64Token() {
  const bytes = Buffer.from(f.string.hexadecimal({ length: int(16, 48) * 2, prefix: "" }), "hex");
  return f.datatype.boolean() ? bytes.toString("base64") : bytes.toString("base64url");
}

function dateString() {
  const d = f.date.between({ from: "2000-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z" });
  return pick([
    () => d.toISOString(),
    () => d.toISOString().slice(0, 10),
    () => d.toUTCString(),
    () => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`,
    () => `${d.getUTCDate()}.${d.getUTCMonth() + 1}.${d.getUTCFullYear()} ${d.getUTCHours()}:${String(d.getUTCMinutes()).padStart(2, "0")}`,
    () => String(Math.floor(d.getTime() / 1000)),
    () => f.system.cron({ includeYear: false }),
  ])();
}

// [source, weight, generator]
const kinds = [
  ["name", 6, () => anyLocale().person.fullName()],
  ["name-apostrophe", 4, apostropheName],
  ["name-prefixed", 1, () => `${f.person.prefix()} ${f.person.firstName()} ${pick(nameParticles)}${f.person.lastName()} ${f.person.suffix()}`],
  ["email", 4, () => anyLocale().internet.email()],
  ["username", 2, () => pick([() => f.internet.username(), () => f.internet.displayName()])()],
  ["password-printable", 5, () => f.internet.password({ length: int(12, 32), pattern: /[!-~]/ })],
  ["password-symbols", 4, () => f.internet.password({ length: int(12, 24), pattern: /[A-Za-z0-9!@#$%^&*()_+\-=[\]{};:,.<>/?|~]/ })],
  ["password-memorable", 2, () => f.internet.password({ length: int(10, 16), memorable: true }) +
    pick(["", "!", "1", "#2", "@"])],
  ["password-default", 2, () => f.internet.password({ length: int(8, 20) })],
  ["passphrase", 2, passphrase],
  ["token", 3, () => pick([() => f.string.alphanumeric(int(20, 40)), () => f.string.nanoid(),
    () => f.string.ulid(), () => f.string.hexadecimal({ length: 40, casing: "lower", prefix: "" }),
    base64Token])()],
  ["jwt", 1, () => f.internet.jwt()],
  ["uuid", 1, () => f.string.uuid()],
  ["file-path", 4, () => f.system.filePath()],
  ["directory-path", 2, () => f.system.directoryPath()],
  ["file-name", 3, () => pick([() => f.system.fileName(), () => f.system.commonFileName(),
    () => `${f.word.words(int(1, 3))}.${f.system.commonFileExt()}`,
    () => `${f.person.lastName()} - ${f.book.title()} (${int(1990, 2024)}).pdf`])()],
  ["windows-path", 1, windowsPath],
  ["object-key", 1, () => `uploads/${int(2019, 2025)}/${String(int(1, 12)).padStart(2, "0")}/${f.string.uuid()}/${f.system.commonFileName()}`],
  ["url", 3, () => pick([() => f.internet.url(), () => f.image.url(), () => `${f.internet.url({ appendSlash: false })}/${f.system.fileName()}`])()],
  ["url-query", 4, urlWithQuery],
  ["user-agent", 3, () => f.internet.userAgent()],
  ["address", 3, () => pick([() => anyLocale().location.streetAddress(true),
    () => { const l = anyLocale(); return `${l.location.streetAddress()}, ${l.location.city()}, ${l.location.zipCode()}`; },
    () => `${f.location.secondaryAddress()}, ${f.location.buildingNumber()} ${f.location.street()}`])()],
  ["phone", 2, () => anyLocale().phone.number({ style: pick(["human", "national", "international"]) })],
  ["company", 3, () => pick([() => f.company.name(), () => f.company.catchPhrase(), () => f.company.buzzPhrase(),
    () => anyLocale().company.name()])()],
  ["prose-lorem", 2, () => pick([() => f.lorem.sentence(), () => f.lorem.paragraph(), () => f.lorem.lines(2)])()],
  ["prose-jargon", 4, () => pick([() => f.hacker.phrase(), () => `${f.hacker.phrase()} ${f.hacker.phrase()}`,
    () => `${f.company.catchPhrase()}: ${f.hacker.phrase()}`, () => f.git.commitMessage(),
    () => f.finance.transactionDescription()])()],
  ["product", 3, () => pick([() => f.commerce.productName(), () => f.commerce.productDescription(),
    () => `${f.commerce.productName()} — ${f.commerce.price({ symbol: pick(["$", "€", "£"]) })}`,
    () => f.food.description(), () => f.book.title(), () => f.music.songName()])()],
  ["markdown", 4, markdown],
  ["rich-text", 1, richText],
  ["sql-ish-prose", 3, sqlishProse],
  ["api-param", 2, apiParam],
  ["ip", 1, () => pick([() => f.internet.ipv4(), () => f.internet.ipv6(), () => `${f.internet.ipv4()}:${f.internet.port()}`,
    () => f.internet.ipv4({ network: "private-a" })])()],
  ["date", 2, dateString],
  ["finance", 1, () => pick([() => f.finance.iban(), () => f.finance.creditCardNumber(), () => f.finance.amount({ symbol: "$" }),
    () => f.finance.bitcoinAddress(), () => f.finance.accountName(), () => f.finance.routingNumber()])()],
  ["misc", 2, () => pick([() => f.color.rgb(), () => f.color.rgb({ format: "css" }), () => f.system.mimeType(), () => f.system.semver(),
    () => f.internet.emoji(), () => f.vehicle.vin(), () => f.git.branch(), () => f.git.commitSha(),
    () => f.internet.mac(), () => f.internet.domainName(), () => f.airline.flightNumber({ addLeadingZeros: true }),
    () => f.location.timeZone(), () => f.internet.httpMethod()])()],
];

function valueCounts(total) {
  const sum = kinds.reduce((s, k) => s + k[1], 0);
  const counts = kinds.map((k) => Math.floor((total * k[1]) / sum));
  let left = total - counts.reduce((s, c) => s + c, 0);
  for (let i = 0; left > 0; i = (i + 1) % counts.length, left--) counts[i]++;
  return counts;
}

// --- requests ---------------------------------------------------------------
function commonHeaders() {
  const h = {
    "User-Agent": f.internet.userAgent(),
    Accept: pick(["application/json", "application/json, text/plain, */*", "*/*"]),
    "Accept-Language": pick(["en-US,en;q=0.9", "de-DE,de;q=0.9,en;q=0.8", "fr-FR,fr;q=0.8", "en-GB"]),
    "X-Request-Id": f.string.uuid(),
  };
  if (f.datatype.boolean({ probability: 0.6 })) h.Authorization = `Bearer ${f.internet.jwt()}`;
  if (f.datatype.boolean({ probability: 0.4 })) h.Referer = urlWithQuery();
  if (f.datatype.boolean({ probability: 0.3 })) {
    h.Cookie = `session=${f.string.alphanumeric(32)}; theme=${pick(["dark", "light"])}; locale=${pick(["en", "de", "fr"])}`;
  }
  return h;
}

const bodies = [
  ["signup", () => {
    const l = anyLocale();
    const first = l.person.firstName();
    const last = f.datatype.boolean({ probability: 0.3 }) ? apostropheName().split(" ").slice(1).join(" ") : l.person.lastName();
    return {
      firstName: first, lastName: last, email: l.internet.email({ firstName: first, lastName: last }),
      password: f.internet.password({ length: int(12, 24), pattern: /[!-~]/ }),
      phone: l.phone.number(), company: f.company.name(), acceptTerms: true,
    };
  }],
  ["profile", () => ({
    displayName: f.internet.displayName(), bio: markdown(), website: f.internet.url(),
    avatar: f.image.avatar(), location: `${f.location.city()}, ${f.location.country()}`,
    address: { street: f.location.streetAddress(true), zip: f.location.zipCode(), country: f.location.countryCode() },
    jobTitle: f.person.jobTitle(), birthdate: f.date.birthdate().toISOString().slice(0, 10),
  })],
  ["password-change", () => ({
    currentPassword: f.internet.password({ length: int(10, 20), pattern: /[A-Za-z0-9!@#$%^&*]/ }),
    newPassword: f.internet.password({ length: int(14, 32), pattern: /[!-~]/ }),
  })],
  ["order", () => ({
    orderId: f.string.uuid(), customer: apostropheName(),
    items: f.helpers.multiple(() => ({ sku: f.commerce.isbn(), name: f.commerce.productName(), qty: int(1, 5),
      price: Number(f.commerce.price()) }), { count: int(1, 4) }),
    shipping: { address: f.location.streetAddress(true), city: f.location.city(), notes: sqlishProse() },
    coupon: f.string.alphanumeric({ length: 8, casing: "upper" }),
  })],
  ["comment", () => ({
    postId: int(1, 100000), author: f.person.fullName(), body: markdown(),
    createdAt: f.date.recent().toISOString(), tags: f.helpers.multiple(() => f.word.noun(), { count: int(0, 4) }),
  })],
  ["upload", () => ({
    fileName: f.system.commonFileName(), path: f.system.filePath(), dir: f.system.directoryPath(),
    key: `uploads/${f.string.uuid()}/${f.system.fileName()}`, mimeType: f.system.mimeType(),
    size: int(100, 50000000), checksum: f.string.hexadecimal({ length: 64, casing: "lower", prefix: "" }),
  })],
  ["ticket", () => ({
    subject: f.hacker.phrase(), description: `${f.lorem.paragraph()}\n\n${f.hacker.phrase()}`,
    reporter: f.internet.email(), priority: pick(["low", "normal", "high"]), component: f.hacker.noun(),
    environment: { userAgent: f.internet.userAgent(), ip: f.internet.ipv4(), url: urlWithQuery() },
  })],
  ["webhook", () => ({
    event: pick(["payment.succeeded", "user.created", "invoice.paid", "build.finished"]), id: f.string.ulid(),
    data: { amount: f.finance.amount(), currency: f.finance.currencyCode(), description: f.finance.transactionDescription(),
      account: f.finance.iban(), commit: { sha: f.git.commitSha(), message: f.git.commitMessage(), branch: f.git.branch() } },
    signature: base64Token(),
  })],
  ["settings", () => ({
    theme: pick(["dark", "light", "system"]), color: f.color.rgb(), schedule: f.system.cron(),
    timezone: f.location.timeZone(), exportPath: windowsPath(), apiKey: f.string.alphanumeric(40),
    notifyUrl: urlWithQuery(), filter: apiParam(),
  })],
  ["product", () => ({
    name: f.commerce.productName(), description: f.commerce.productDescription(),
    material: f.commerce.productMaterial(), department: f.commerce.department(),
    price: f.commerce.price({ symbol: "$" }), vendor: f.company.name(), slogan: f.company.catchPhrase(),
    image: f.image.url(),
  })],
];

function searchQuery() {
  const params = [];
  params.push(["q", pick([() => f.commerce.productName(), () => f.person.fullName(), () => apostropheName(),
    () => f.hacker.phrase(), () => sqlishProse(), () => f.word.words(int(1, 4)), () => f.company.name()])()]);
  if (f.datatype.boolean()) params.push(["sort", pick(["price", "-created_at", "name:asc", "relevance"])]);
  if (f.datatype.boolean()) params.push(["page", String(int(1, 40))]);
  if (f.datatype.boolean({ probability: 0.3 })) params.push(["fields", apiParam()]);
  if (f.datatype.boolean({ probability: 0.3 })) params.push(["redirect", urlWithQuery()]);
  if (f.datatype.boolean({ probability: 0.3 })) params.push(["file", pick([() => f.system.filePath(), () => f.system.fileName(), windowsPath])()]);
  if (f.datatype.boolean({ probability: 0.2 })) params.push(["token", f.internet.password({ length: 20, pattern: /[!-~]/ })]);
  return params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
}

function request(i) {
  const headers = commonHeaders();
  if (f.datatype.boolean({ probability: 0.35 })) {
    const resource = pick(["products", "users", "search", "orders", "files", "articles"]);
    return { id: `traffic-req:${i}`, source: "faker-request/get", label: "benign", method: "GET",
      uri: `/api/v${int(1, 3)}/${resource}?${searchQuery()}`, headers };
  }
  const [name, make] = pick(bodies);
  headers["Content-Type"] = "application/json";
  // POST only: CRS's default policy (tx.allowed_methods) refuses PUT and
  // PATCH, which is a method policy rather than a detection.
  return { id: `traffic-req:${i}`, source: `faker-request/${name}`, label: "benign", method: "POST",
    uri: `/api/v1/${name}${f.datatype.boolean() ? `/${f.string.uuid()}` : ""}`, headers,
    body: JSON.stringify(make()) };
}

// --- main ---------------------------------------------------------------------
function write(path, lines) {
  try {
    writeFileSync(path, lines.join("\n") + "\n");
  } catch (e) {
    process.stderr.write(`generate.mjs: cannot write ${path}: ${e.message}\n`);
    process.exit(2);
  }
}

if (args.values) {
  seedAll(args.seed);
  const counts = valueCounts(args.nValues);
  const lines = [];
  kinds.forEach(([source, , gen], k) => {
    for (let j = 0; j < counts[k]; j++) {
      lines.push(JSON.stringify({ id: `traffic:${source}:${j}`, source, label: "benign", payload: gen() }));
    }
  });
  write(args.values, lines);
}
if (args.requests) {
  seedAll(args.seed + 1);
  const lines = [];
  for (let i = 0; i < args.nRequests; i++) lines.push(JSON.stringify(request(i)));
  write(args.requests, lines);
}
