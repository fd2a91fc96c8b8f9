import type { Charge } from './Charge.ts';
import type { Claim } from './Slot.ts';
import { safeLabel } from './throttleErrors.ts';
import type { AcquireRequest, Permit } from './types.ts';

/** A permit's public fields only, as it shows them when serialised or inspected: the limiter and the charges are internal. */
export function publicFields(permit: Permit): Permit {
  return {
    weight: permit.weight,
    orders: permit.orders,
    label: safeLabel(permit.label),
    grantedAt: permit.grantedAt,
    waitedMs: permit.waitedMs,
    weightOnSuccess: permit.weightOnSuccess,
  };
}

/**
 * A {@link Permit} as the limiter's general path grants it: the public fields, plus what only the limiter reads —
 * its owner, when it was granted on the monotonic clock, whether it is settled, its charges. A lane's permit
 * (`LanePermit`) has the same fields for the limiter, and its windows in place of charges.
 */
export class GrantedPermit implements Permit {
  /** The limiter that granted it; a permit settles only with its owner. */
  readonly owner: object;
  readonly grantedAt: number;
  /** Monotonic ms at the grant, for the round trip the edge guard learns from. */
  readonly grantedMono: number;
  done = false;
  readonly weight: number;
  readonly orders: number;
  readonly label: string | undefined;
  readonly waitedMs: number;
  readonly weightOnSuccess: number | undefined;
  /** The edge guard the charges were made with, ms. */
  readonly edgeGuardMs: number;
  readonly charges: Charge[];

  /**
   * @param of the request's label and `weightOnSuccess` (its `AcquireRequest`, or its `Waiter` in the queue)
   * @param enqueuedAt server ms when it asked, for `waitedMs`
   */
  constructor(
    owner: object,
    of: Pick<AcquireRequest, 'label' | 'weightOnSuccess'>,
    claim: Claim,
    enqueuedAt: number,
    grantedAt: number,
    grantedMono: number,
    edgeGuardMs: number,
    charges: Charge[],
  ) {
    this.owner = owner;
    this.grantedAt = grantedAt;
    this.grantedMono = grantedMono;
    this.weight = claim.weight;
    this.orders = claim.orders;
    this.label = of.label;
    this.waitedMs = grantedAt - enqueuedAt;
    this.weightOnSuccess = of.weightOnSuccess;
    this.edgeGuardMs = edgeGuardMs;
    this.charges = charges;
  }

  toJSON(): Permit {
    return publicFields(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): Permit {
    return publicFields(this);
  }
}
