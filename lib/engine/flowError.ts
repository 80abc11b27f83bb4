/**
 * The error a run ends with when a flow throws or misuses an action: it names the flow and the
 * session, and keeps what was thrown as `cause`.
 *
 * @example
 * simulateOn(model, { scheduler }).subscribe({ error: (e) => e instanceof FlowError && e.flow }); // 'checkout'
 */
import { DeepFakerError } from '../core/errors';

/** A flow that failed; names the flow and the session. */
export class FlowError extends DeepFakerError {
  override readonly name = 'FlowError';
  constructor(
    readonly flow: string,
    readonly sessionId: string,
    message: string,
    readonly cause?: unknown,
  ) {
    super(`flow "${flow}" (session ${sessionId.slice(0, 8)}) failed: ${message}`);
  }
}
