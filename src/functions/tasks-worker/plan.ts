import { type Budget, type Job, SERVICE_CATEGORIES, type ServiceCategory, type Urgency } from './job.js';

/** What to do about a job: who to contact, how many, in what budget band, how fast. Pure. */

interface ServiceProfile {
  /** Who to contact. */
  vendor: string;
  /** Typical price of one job, USD. */
  typicalUsd: [low: number, high: number];
}

export const SERVICE_PROFILES: Record<ServiceCategory, ServiceProfile> = {
  landscaping: { vendor: 'landscaping contractors', typicalUsd: [150, 600] },
  plumbing: { vendor: 'licensed plumbers', typicalUsd: [150, 500] },
  electrical: { vendor: 'licensed electricians', typicalUsd: [150, 600] },
  cleaning: { vendor: 'house cleaning services', typicalUsd: [100, 350] },
  painting: { vendor: 'painting contractors', typicalUsd: [300, 2500] },
  roofing: { vendor: 'roofing contractors', typicalUsd: [400, 3000] },
  hvac: { vendor: 'HVAC technicians', typicalUsd: [150, 800] },
  'pest-control': { vendor: 'pest control services', typicalUsd: [100, 400] },
  moving: { vendor: 'moving companies', typicalUsd: [400, 2000] },
  handyman: { vendor: 'handyman services', typicalUsd: [80, 400] },
};

/** Where the budget sits against the service's typical price: below it, inside it, above it. */
export type BudgetBand = 'economy' | 'standard' | 'premium' | 'unknown';

const RESPONSE_WINDOW: Record<Urgency, string> = {
  emergency: 'within 2 hours',
  urgent: 'same day',
  soon: 'within 2 days',
  normal: 'within 3 days',
  flexible: 'within 2 weeks',
};
const VENDORS_TO_CONTACT: Record<Urgency, number> = { emergency: 5, urgent: 4, soon: 3, normal: 3, flexible: 2 };

export interface Plan {
  category: ServiceCategory;
  vendorCategory: string;
  vendorsToContact: number;
  location: string | null;
  budgetBand: BudgetBand;
  typicalRange: { low: number; high: number; currency: 'USD' };
  responseWindow: string;
  steps: string[];
  /** What to ask the customer before contacting anyone. */
  openQuestions: string[];
}

/** The description cannot be turned into a plan (the task ends in `error`). */
export class PlanError extends Error {
  override name = 'PlanError';
}

export function budgetBand(budget: Budget | null, [low, high]: [number, number]): BudgetBand {
  // Typical prices are known in USD only; converting would need a rate this function cannot know.
  if (budget?.currency !== 'USD') return 'unknown';
  if (budget.kind === 'min') return budget.amount > high ? 'premium' : 'standard';
  if (budget.amount < low) return 'economy';
  return budget.amount > high ? 'premium' : 'standard';
}

const SYMBOL: Record<Budget['currency'], string> = { USD: '$', EUR: '€', GBP: '£' };
export function money(amount: number, currency: Budget['currency']): string {
  const [whole, cents] = (Number.isInteger(amount) ? String(amount) : amount.toFixed(2)).split('.');
  return `${SYMBOL[currency]}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${cents ? `.${cents}` : ''}`;
}

const BUDGET_PHRASE: Record<Budget['kind'], string> = { max: 'up to', min: 'from', approx: 'around', target: 'at' };

export function planFor(job: Job): Plan {
  if (!job.category) {
    throw new PlanError(`could not tell which service is needed; mention one of: ${SERVICE_CATEGORIES.join(', ')}`);
  }
  const profile = SERVICE_PROFILES[job.category];
  const [low, high] = profile.typicalUsd;
  const band = budgetBand(job.budget, profile.typicalUsd);
  const n = VENDORS_TO_CONTACT[job.urgency];
  const location = job.city ? (job.state ? `${job.city}, ${job.state}` : job.city) : null;
  const window = RESPONSE_WINDOW[job.urgency];
  const typical = `${money(low, 'USD')}–${money(high, 'USD')}`;

  const steps = [`Contact ${n} ${profile.vendor}${location ? ` in ${location}` : ''}`];
  if (job.budget) {
    const b = job.budget;
    steps.push(`Ask for quotes ${BUDGET_PHRASE[b.kind]} ${money(b.amount, b.currency)} ${b.currency} (typical ${typical})`);
  } else {
    steps.push(`Ask for quotes; typical price ${typical}`);
  }
  steps.push(`Ask for availability ${window}`);

  const openQuestions: string[] = [];
  if (!location) openQuestions.push('Where is the job? (city)');
  if (!job.budget) openQuestions.push('What is the budget?');
  if (band === 'economy') openQuestions.push(`The budget is below the typical ${typical}: is there room to go higher?`);
  if (band === 'unknown' && job.budget)
    openQuestions.push(`Typical prices are in USD; confirm the ${job.budget.currency} budget with vendors`);

  return {
    category: job.category,
    vendorCategory: profile.vendor,
    vendorsToContact: n,
    location,
    budgetBand: band,
    typicalRange: { low, high, currency: 'USD' },
    responseWindow: window,
    steps,
    openQuestions,
  };
}

/** One line for the task list: "Contact 3 landscaping contractors in Charlotte, quotes up to $300 USD (standard), within 3 days". */
export function summarize(job: Job, plan: Plan): string {
  const where = plan.location ? ` in ${plan.location}` : '';
  const budget = job.budget
    ? `, quotes ${BUDGET_PHRASE[job.budget.kind]} ${money(job.budget.amount, job.budget.currency)} ${job.budget.currency} (${plan.budgetBand})`
    : '';
  return `Contact ${plan.vendorsToContact} ${plan.vendorCategory}${where}${budget}, ${plan.responseWindow}`;
}
