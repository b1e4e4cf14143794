import { describe, expect, it } from 'vitest';
import { findBudget, findCategory, findCity, findUrgency, parseJob } from '../../src/functions/tasks-worker/job.js';
import { budgetBand, money, PlanError, planFor, summarize } from '../../src/functions/tasks-worker/plan.js';

describe('reading a request into a job', () => {
  it('reads the seed example', () => {
    expect(parseJob('Find me a landscaper in Charlotte under $300')).toEqual({
      category: 'landscaping',
      categoryWords: ['landscaper'],
      city: 'Charlotte',
      state: null,
      budget: { amount: 300, currency: 'USD', kind: 'max', text: 'under $300' },
      urgency: 'normal',
      urgencyWords: [],
    });
  });

  it.each([
    ['Need a plumber, the kitchen faucet is leaking', 'plumbing', ['plumber', 'leaking', 'faucet']],
    ['Looking for an electrician to add an outlet', 'electrical', ['electrician', 'outlet']],
    ['deep clean before move-out', 'cleaning', ['deep clean']],
    ['Exterminator for termites', 'pest-control', ['exterminator', 'termites']],
    ['HVAC tune-up, the furnace is noisy', 'hvac', ['hvac', 'furnace']],
    ['Can someone fix my fence?', 'handyman', ['fix']],
    ['Paint the fence and fix the gate', 'painting', ['paint']],
    ['Please help with my taxes', null, []],
  ])('%s → %s', (text, category, words) => {
    expect(findCategory(text)).toEqual({ category, words });
  });

  it('prefers the service with more keyword hits, then the one named first', () => {
    expect(findCategory('roofer or painter').category).toBe('roofing');
    expect(findCategory('painter or roofer').category).toBe('painting');
    expect(findCategory('painter for the gutters and roof').category).toBe('roofing');
  });

  it.each([
    ['Find me a landscaper in Charlotte under $300', 'Charlotte', null],
    ['plumber near Salt Lake City, UT asap', 'Salt Lake City', 'UT'],
    ['burst pipe in Austin TX', 'Austin', 'TX'],
    ['painter in March', null, null],
    ['roofer in the spring', null, null],
    ['cleaner around Dublin', 'Dublin', null],
  ])('city of %s', (text, city, state) => {
    expect(findCity(text)).toEqual({ city, state });
  });

  it.each([
    ['under $300', { amount: 300, currency: 'USD', kind: 'max', text: 'under $300' }],
    ['budget $1,200', { amount: 1200, currency: 'USD', kind: 'max', text: 'budget $1,200' }],
    ['around 150 euros', { amount: 150, currency: 'EUR', kind: 'approx', text: 'around 150 euros' }],
    ['about $1.5k', { amount: 1500, currency: 'USD', kind: 'approx', text: 'about $1.5k' }],
    ['at least £2000', { amount: 2000, currency: 'GBP', kind: 'min', text: 'at least £2000' }],
    ['$450 max', { amount: 450, currency: 'USD', kind: 'max', text: '$450 max' }],
    ['quote of 99.50 dollars', { amount: 99.5, currency: 'USD', kind: 'target', text: '99.50 dollars' }],
  ])('budget in "%s"', (text, budget) => {
    expect(findBudget(text)).toEqual(budget);
  });

  it('finds no budget in plain numbers', () => {
    expect(findBudget('3 bedrooms and 2 baths')).toBeNull();
  });

  it.each([
    ['Emergency! burst pipe', 'emergency', ['emergency', 'burst']],
    ['need it ASAP', 'urgent', ['asap']],
    ['sometime this week', 'soon', ['this week']],
    ['no rush, whenever', 'flexible', ['no rush', 'whenever']],
    ['not urgent', 'flexible', ['not urgent']],
    ['no rush but the roof leak is an emergency', 'emergency', ['no rush', 'emergency']],
    ['a landscaper', 'normal', []],
  ])('urgency of "%s"', (text, urgency, words) => {
    expect(findUrgency(text)).toEqual({ urgency, words });
  });
});

describe('planning a job', () => {
  it('plans the seed example', () => {
    const job = parseJob('Find me a landscaper in Charlotte under $300');
    const plan = planFor(job);
    expect(plan).toEqual({
      category: 'landscaping',
      vendorCategory: 'landscaping contractors',
      vendorsToContact: 3,
      location: 'Charlotte',
      budgetBand: 'standard',
      typicalRange: { low: 150, high: 600, currency: 'USD' },
      responseWindow: 'within 3 days',
      steps: [
        'Contact 3 landscaping contractors in Charlotte',
        'Ask for quotes up to $300 USD (typical $150–$600)',
        'Ask for availability within 3 days',
      ],
      openQuestions: [],
    });
    expect(summarize(job, plan)).toBe('Contact 3 landscaping contractors in Charlotte, quotes up to $300 USD (standard), within 3 days');
  });

  it('contacts more vendors, faster, in an emergency, and asks what is missing', () => {
    const plan = planFor(parseJob('EMERGENCY burst pipe, need a plumber'));
    expect(plan).toMatchObject({ vendorsToContact: 5, responseWindow: 'within 2 hours', location: null, budgetBand: 'unknown' });
    expect(plan.openQuestions).toEqual(['Where is the job? (city)', 'What is the budget?']);
  });

  it.each([
    [{ amount: 100, kind: 'max' }, 'economy'],
    [{ amount: 150, kind: 'max' }, 'standard'],
    [{ amount: 600, kind: 'target' }, 'standard'],
    [{ amount: 601, kind: 'approx' }, 'premium'],
    [{ amount: 100, kind: 'min' }, 'standard'],
    [{ amount: 900, kind: 'min' }, 'premium'],
  ] as const)('band of %o against $150–$600', (b, band) => {
    expect(budgetBand({ ...b, currency: 'USD', text: '' }, [150, 600])).toBe(band);
  });

  it('does not guess a band for other currencies', () => {
    expect(budgetBand({ amount: 300, kind: 'max', currency: 'EUR', text: '' }, [150, 600])).toBe('unknown');
    expect(planFor(parseJob('cleaner in Paris for 120 euros')).openQuestions).toEqual([
      'Typical prices are in USD; confirm the EUR budget with vendors',
    ]);
  });

  it('asks whether an economy budget can grow', () => {
    expect(planFor(parseJob('roofer in Denver under $200')).openQuestions).toEqual([
      'The budget is below the typical $400–$3,000: is there room to go higher?',
    ]);
  });

  it('refuses a request naming no known service', () => {
    expect(() => planFor(parseJob('Please help with my taxes'))).toThrow(PlanError);
    expect(() => planFor(parseJob('Please help with my taxes'))).toThrow(/mention one of: landscaping, plumbing/);
  });

  it('formats money', () => {
    expect(money(1200, 'USD')).toBe('$1,200');
    expect(money(99.5, 'EUR')).toBe('€99.50');
    expect(money(1234567, 'GBP')).toBe('£1,234,567');
  });
});
