import { show } from '../common/show.ts';
import type { ApiProfile, WeightBudget } from '../profiles/ApiProfile.ts';
import type { SlotScope } from './Slot.ts';
import type { WeightLimiterOptions } from './types.ts';

// How a profile's budgets map onto the limiter's slots: which requests each one charges, the headers it is
// reconciled from, and the store keys it counts under.

/**
 * The scope of one of the profile's budgets. The main one also holds the ORDERS limits, read from the profile's
 * order-count header; every budget reads its first used-weight header (SAPI's IP count: the UID count has its own,
 * far larger limit, which the limiter does not keep).
 */
export function budgetScope(profile: ApiProfile, budget: WeightBudget): SlotScope {
  const main = budget === profile.budgets[0];
  return {
    keyPrefix: keyPrefixOf(profile, budget),
    budget: budget.name,
    main,
    weightHeader: budget.usedWeightHeaders[0],
    orderHeader: main ? profile.orderCountHeader : undefined,
  };
}

/** The scope of an endpoint's own limit: only requests naming `group` are charged, 1 each. */
export function ownLimitScope(profile: ApiProfile, group: string): SlotScope {
  return {
    keyPrefix: `${keyPrefixOf(profile, undefined)}own:${group}:`,
    budget: profile.budgets[0].name,
    main: false,
    group,
  };
}

/**
 * The store-key prefix of a budget (or, with `undefined`, of an API's endpoint-own limits). Spot's main budget
 * keeps the bare keys (`REQUEST_WEIGHT:1MINUTE`) that shared stores already hold; every other budget, and every
 * other API, gets its own, so two limiters on one shared store never count into each other's windows.
 */
function keyPrefixOf(profile: ApiProfile, budget: WeightBudget | undefined): string {
  if (budget === undefined) return `${profile.product}.`;
  if (profile.product === 'spot' && budget === profile.budgets[0]) return '';
  return `${profile.product}.${budget.name}:`;
}

/** `budgetLimits` after checking that every key names one of the profile's other budgets. */
export function checkBudgetLimits(
  given: WeightLimiterOptions['budgetLimits'],
  others: readonly WeightBudget[],
): WeightLimiterOptions['budgetLimits'] {
  if (given === undefined) return undefined;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new TypeError(`budgetLimits must be a record of limits by budget name, got ${show(given)}`);
  }
  for (const key of Object.keys(given)) {
    if (!others.some((b) => b.name === key)) {
      const names = others.map((b) => JSON.stringify(b.name)).join(', ');
      throw new TypeError(
        `budgetLimits.${key}: the profile has no such budget besides its main one${names === '' ? '' : ` (it has ${names})`}`,
      );
    }
  }
  return given;
}
