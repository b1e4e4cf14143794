/**
 * Reading a home-service request ("Find me a landscaper in Charlotte under $300") into a
 * structured job: service category from a fixed vocabulary, city, budget, urgency. Pure and
 * deterministic: the same words always give the same job.
 */

const words = (list: string) => list.split('|');

/** Words that name each service. Handyman's generic verbs only count when nothing specific matched. */
export const SERVICE_KEYWORDS = {
  landscaping: words('landscaper|landscapers|landscaping|lawn|lawns|gardener|gardening|yard|mow|mowing|hedge|hedges|tree trimming'),
  plumbing: words('plumber|plumbers|plumbing|leak|leaking|leaky|pipe|pipes|drain|clogged|toilet|faucet|water heater|sewer'),
  electrical: words('electrician|electricians|electrical|wiring|outlet|outlets|breaker|light fixture|ceiling fan|panel upgrade'),
  cleaning: words('cleaner|cleaners|cleaning|maid|housekeeper|deep clean|move-out clean'),
  painting: words('painter|painters|painting|paint|repaint'),
  roofing: words('roofer|roofers|roof|roofing|shingles|gutter|gutters'),
  hvac: words('hvac|air conditioning|air conditioner|ac unit|a/c|furnace|heating|heat pump|no heat'),
  'pest-control': words('exterminator|pest|pests|pest control|termite|termites|rodent|rodents|mice|rats|roaches|bed bugs'),
  moving: words('mover|movers|moving company|moving truck|relocation'),
  handyman: words('handyman|handy man|odd jobs'),
};
export type ServiceCategory = keyof typeof SERVICE_KEYWORDS;
/** The vocabulary, in the order ties are broken. */
export const SERVICE_CATEGORIES = Object.keys(SERVICE_KEYWORDS) as ServiceCategory[];
const WEAK_HANDYMAN = ['fix', 'repair', 'install', 'assemble', 'mount', 'patch'];

export type Currency = 'USD' | 'EUR' | 'GBP';
/** How the amount bounds the price: "under $300" is a max, "around $300" approx. */
export type BudgetKind = 'max' | 'min' | 'approx' | 'target';
export interface Budget {
  amount: number;
  currency: Currency;
  kind: BudgetKind;
  /** The words it was read from (`under $300`). */
  text: string;
}

export type Urgency = 'emergency' | 'urgent' | 'soon' | 'normal' | 'flexible';

export interface Job {
  category: ServiceCategory | null;
  /** Words that decided the category. */
  categoryWords: string[];
  city: string | null;
  state: string | null;
  budget: Budget | null;
  urgency: Urgency;
  urgencyWords: string[];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const wordRe = (w: string) => new RegExp(`(?<![\\w-])${escapeRegExp(w)}(?![\\w-])`, 'i');

export function parseJob(description: string): Job {
  const { category, words } = findCategory(description);
  const { city, state } = findCity(description);
  const { urgency, words: urgencyWords } = findUrgency(description);
  return { category, categoryWords: words, city, state, budget: findBudget(description), urgency, urgencyWords };
}

export function findCategory(text: string): { category: ServiceCategory | null; words: string[] } {
  let best: { category: ServiceCategory; words: string[]; first: number } | undefined;
  for (const category of SERVICE_CATEGORIES) {
    const hits = SERVICE_KEYWORDS[category].map((w) => ({ w, at: text.search(wordRe(w)) })).filter((h) => h.at >= 0);
    if (hits.length === 0) continue;
    const first = Math.min(...hits.map((h) => h.at));
    // Most keyword hits wins; on a tie, the service mentioned first.
    if (!best || hits.length > best.words.length || (hits.length === best.words.length && first < best.first)) {
      best = { category, words: hits.map((h) => h.w), first };
    }
  }
  if (best) return { category: best.category, words: best.words };
  const weak = WEAK_HANDYMAN.filter((w) => wordRe(w).test(text));
  return weak.length ? { category: 'handyman', words: weak } : { category: null, words: [] };
}

const NOT_PLACES = new Set(
  words('The|My|Our|A|An|This|Next|I|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday').concat(
    words('January|February|March|April|May|June|July|August|September|October|November|December'),
  ),
);
const US_STATES = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY'.split(
    ' ',
  ),
);

/** A capitalised place after "in", "near" or "around": "in Charlotte", "near Salt Lake City, UT". */
export function findCity(text: string): { city: string | null; state: string | null } {
  const re = /\b(?:in|near|around)\s+((?:[A-Z][A-Za-z'.-]*)(?:\s+[A-Z][A-Za-z'.-]*){0,3})(?:,\s*([A-Z]{2})\b)?/g;
  for (const m of text.matchAll(re)) {
    const words = m[1].split(/\s+/);
    while (words.length && NOT_PLACES.has(words[words.length - 1])) words.pop();
    if (!words.length || NOT_PLACES.has(words[0])) continue;
    let state = m[2] && US_STATES.has(m[2]) ? m[2] : null;
    const last = words[words.length - 1];
    if (!state && words.length > 1 && US_STATES.has(last)) {
      state = last;
      words.pop();
    }
    return { city: words.join(' ').replace(/[.']+$/, ''), state };
  }
  return { city: null, state: null };
}

const SYMBOLS: Record<string, Currency> = { $: 'USD', '€': 'EUR', '£': 'GBP' };
const CURRENCY_WORDS: [RegExp, Currency][] = [
  [/^(dollars?|usd|bucks)$/i, 'USD'],
  [/^(euros?|eur)$/i, 'EUR'],
  [/^(pounds?|gbp)$/i, 'GBP'],
];
const QUALIFIERS: [RegExp, BudgetKind][] = [
  [/\b(under|below|less than|no more than|not more than|at most|max(imum)?( of)?|up to|within|budget( is| of)?|cap( of)?)\s*$/i, 'max'],
  [/\b(at least|over|more than|above|minimum( of)?|min)\s*$/i, 'min'],
  [/(\b(around|about|approximately|roughly|approx\.?)|~)\s*$/i, 'approx'],
];

/** The first money amount and what bounds it: "$1,200", "under $300", "250 euros", "£1.5k". */
export function findBudget(text: string): Budget | null {
  const re =
    /(?:([$€£])\s?(\d[\d,]*(?:\.\d+)?)\s?(k)?\b)|(?:\b(\d[\d,]*(?:\.\d+)?)\s?(k)?\s?(dollars?|usd|bucks|euros?|eur|pounds?|gbp)\b)/i;
  const m = re.exec(text);
  if (!m) return null;
  const digits = (m[2] ?? m[4]).replace(/,/g, '');
  const thousands = Boolean(m[3] ?? m[5]);
  const amount = Math.round(Number(digits) * (thousands ? 1000 : 1) * 100) / 100;
  const currency = m[1] ? SYMBOLS[m[1]] : (CURRENCY_WORDS.find(([w]) => w.test(m[6]))?.[1] ?? 'USD');
  const before = text.slice(Math.max(0, m.index - 24), m.index);
  const after = text.slice(m.index + m[0].length, m.index + m[0].length + 12);
  const qualified = QUALIFIERS.map(([q, kind]) => ({ kind, words: before.match(q)?.[0].trim() })).find((q) => q.words);
  const found = m[0].trim();
  if (qualified) return { amount, currency, kind: qualified.kind, text: `${qualified.words} ${found}` };
  const trailing = /^\s*(max|or less|tops|at most)\b/i.exec(after);
  return trailing ? { amount, currency, kind: 'max', text: `${found} ${trailing[1]}` } : { amount, currency, kind: 'target', text: found };
}

const URGENCY_WORDS: [Urgency, RegExp][] = [
  ['flexible', /\b(no rush|not urgent|whenever|flexible|any ?time|next month|no hurry)\b/gi],
  ['emergency', /\b(emergency|burst|flood(ed|ing)?|gas leak|no heat|no power|sparking)\b/gi],
  ['urgent', /\b(asap|urgent(ly)?|immediately|right away|right now|today|tonight|same[- ]day)\b/gi],
  ['soon', /\b(tomorrow|this week(end)?|soon|next few days|by (monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b/gi],
];
const URGENCY_RANK: Urgency[] = ['flexible', 'normal', 'soon', 'urgent', 'emergency'];

/** The most pressing urgency the words express; "not urgent" is read before "urgent". */
export function findUrgency(text: string): { urgency: Urgency; words: string[] } {
  let rest = text;
  let urgency: Urgency = 'normal';
  const words: string[] = [];
  for (const [level, re] of URGENCY_WORDS) {
    const found = rest.match(re);
    if (!found) continue;
    words.push(...found.map((w) => w.toLowerCase()));
    rest = rest.replace(re, ' ');
    if (urgency === 'normal' || URGENCY_RANK.indexOf(level) > URGENCY_RANK.indexOf(urgency)) urgency = level;
  }
  return { urgency, words };
}
