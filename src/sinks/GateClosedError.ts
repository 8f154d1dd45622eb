import { SendError } from '../model/SendError';
import { GateState } from '../model/gateState';
import { gateReasonText } from './describeGate';

/**
 * An order met a closed trade gate and was not sent. A `SendError` with reason `'gate'`, so code that
 * handles send failures handles it too; `gate` says why the gate was closed and since when.
 *
 * @example
 * orders$.pipe(whileGateOpen(gate$, (order, error) => console.warn(order.id, error.message)));
 * // 'o-17 trade gate closed (Failed: the link has Failed); order rejected, not sent'
 */
export class GateClosedError extends SendError {
  constructor(readonly gate: GateState) {
    super('gate', `trade gate closed (${gate.reason}: ${gateReasonText(gate.reason, 'en')}); order rejected, not sent`);
    this.name = 'GateClosedError';
  }
}
