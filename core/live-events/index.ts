/**
 * The live-event receiver (issue 9, docs/receiver.md). Front doors use `receiveFromLayers`; tests
 * and embedders can start one with `startReceiver` from a resolved configuration.
 *
 *   const options = readReceiverOptions(flags, process.env);          // throws ReceiverOptionsError
 *   const code = await receiveFromLayers(layers, options, { out: process.stdout });
 */
export { receiveFromLayers, type ReceiveIo, type SignalSource } from './receive-from-layers';
export { isLoopbackHost, ReceiverConfigError, startReceiver, type Receiver, type ReceiverDependencies } from './receiver';
export { readReceiverOptions, receiverOptionsSchema, RECEIVER_OPTIONS, ReceiverOptionsError, type ReceiverOptions, type ReceiverOptionsInput } from './receiver-options';
export { JsonLogger, type ReceiverLogger, type LogLevel } from './json-logger';
export { WEBHOOK_PATH } from './http-server';
export { EVENT_ROUTES, routeOf, type Subject } from './event-routes';
export { LIVE_KINDS } from './live-kinds';
export type { ReceiverMetrics } from './receiver-metrics';
