/**
 * The gRPC server Grafana talks to: pluginv2 Data, Diagnostics, Resource and Stream, grpc.health.v1.Health (service
 * "plugin", what go-plugin's Ping checks), and go-plugin's GRPCController (Shutdown) and GRPCStdio.
 * Each RPC is adapted to a PluginHandlers method; this file and its siblings are the only code that knows gRPC.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { setMaxListeners } from 'node:events';

import { ProtocolError, StreamInterrupted } from '../errors';
import type { Logger } from '../log';
import type { PluginHandlers } from '../plugin/types';
import { decodeContext, decodeQueryDataRequest, decodeResourceRequest, decodeStreamRequest } from './decode';
import { encodeDataResponse, encodeHealthResult, encodeResourceResponse } from './encode';
import descriptor from './generated/descriptor.json';
import type {
  WireCallResourceRequest,
  WireCheckHealthRequest,
  WireDataResponse,
  WireQueryDataRequest,
  WireStreamRequest,
} from './wire';

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true };

// grpc-js needs a ServiceDefinition per service; proto-loader builds them from the checked-in descriptor.
function serviceDefinitions(): Record<string, grpc.ServiceDefinition> {
  const definition = protoLoader.fromJSON(
    descriptor as unknown as Parameters<typeof protoLoader.fromJSON>[0],
    LOADER_OPTIONS
  );
  const services: Record<string, grpc.ServiceDefinition> = {};
  for (const [name, value] of Object.entries(definition)) {
    if (!('format' in value)) {
      services[name] = value as grpc.ServiceDefinition;
    }
  }
  return services;
}

type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;
type ServerStream<Req, Res> = grpc.handleServerStreamingCall<Req, Res>;

/** An AbortSignal that fires when Grafana cancels the call (HTTP client gone, alert timeout, stream stopped). */
function cancellationOf(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>) {
  const controller = new AbortController();
  // Every query of the request listens on this signal while it waits for and holds a connection (and removes its
  // listeners after): a dashboard request with more than 10 queries is normal, not a leak. Node's default limit
  // printed a raw MaxListenersExceededWarning on stderr (#9, tests/regressions/0015-many-queries-raw-warning.test.ts).
  setMaxListeners(0, controller.signal);
  call.on('cancelled', () => controller.abort(new Error('request cancelled by Grafana')));
  return controller.signal;
}

function toServiceError(error: unknown): grpc.ServiceError {
  const message = error instanceof Error ? error.message : String(error);
  const code =
    error instanceof ProtocolError
      ? grpc.status.INVALID_ARGUMENT
      : error instanceof StreamInterrupted
        ? grpc.status.UNAVAILABLE
        : grpc.status.INTERNAL;
  return Object.assign(new Error(message), { code, details: message, metadata: new grpc.Metadata() });
}

/**
 * Logs a failed RPC at the level it deserves: a request we cannot interpret is the caller's problem (warn), a stream
 * ended for a settings change is routine (info), anything else is ours (error). Operators alert on error lines, so
 * hostile or malformed input must not produce them (#9, tests/regressions/0006-hostile-requests-logged-as-errors.test.ts).
 */
function logFailure(log: Logger, method: string, error: unknown): void {
  if (error instanceof ProtocolError) {
    log.warn('rpc rejected', { method, error });
  } else if (error instanceof StreamInterrupted) {
    log.info('live stream interrupted; Grafana restarts it', { method, error });
  } else {
    log.error('rpc failed', { method, error });
  }
}

/**
 * Ends a server-streaming call with an error status. grpc-js sends the status from the stream's 'error' handler;
 * `destroy(error)` tore the stream down before any status was written, so Grafana's CallResource request and
 * RunStream call waited forever (#9, tests/regressions/0013-stream-errors-never-reach-grafana.test.ts).
 */
function failStream(call: grpc.ServerWritableStream<unknown, unknown>, error: grpc.ServiceError): void {
  if (!call.destroyed && !call.writableEnded) {
    call.emit('error', error);
  }
}

/** Callbacks the server needs from the process (main.ts decides what shutting down means). */
export interface ServerHooks {
  onShutdownRequested(): void;
}

/** Builds the gRPC server with every service registered. */
export function createPluginServer(handlers: PluginHandlers, log: Logger, hooks: ServerHooks): grpc.Server {
  const server = new grpc.Server({
    // Grafana sends big query JSON and resource bodies; the Go SDK accepts 16 MiB, we accept 64.
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': -1,
  });
  const services = serviceDefinitions();
  const service = (name: string): grpc.ServiceDefinition => {
    const definition = services[name];
    if (!definition) {
      throw new Error(`service ${name} missing from the protocol descriptor`);
    }
    return definition;
  };

  const failUnary = (method: string, error: unknown, callback: grpc.sendUnaryData<never>) => {
    logFailure(log, method, error);
    callback(toServiceError(error));
  };

  const queryData: Unary<WireQueryDataRequest, { responses: Record<string, WireDataResponse> }> = (call, callback) => {
    const signal = cancellationOf(call);
    Promise.resolve()
      .then(async () => {
        const request = decodeQueryDataRequest(call.request);
        const results = await handlers.queryData(request, signal);
        const responses: Record<string, WireDataResponse> = {};
        for (const [refId, result] of results) {
          responses[refId] = encodeDataResponse(refId, result);
        }
        callback(null, { responses });
      })
      .catch((error: unknown) => failUnary('QueryData', error, callback));
  };

  const checkHealth: Unary<WireCheckHealthRequest, unknown> = (call, callback) => {
    const signal = cancellationOf(call);
    Promise.resolve()
      .then(async () =>
        callback(
          null,
          encodeHealthResult(await handlers.checkHealth(decodeContext(call.request.pluginContext), signal))
        )
      )
      .catch((error: unknown) => failUnary('CheckHealth', error, callback));
  };

  const collectMetrics: Unary<{ pluginContext: WireCheckHealthRequest['pluginContext'] }, unknown> = (
    call,
    callback
  ) => {
    Promise.resolve()
      .then(async () => {
        const text = await handlers.collectMetrics(decodeContext(call.request.pluginContext));
        callback(null, { metrics: { prometheus: Buffer.from(text) } });
      })
      .catch((error: unknown) => failUnary('CollectMetrics', error, callback));
  };

  const callResource: ServerStream<WireCallResourceRequest, unknown> = (call) => {
    const signal = cancellationOf(call);
    Promise.resolve()
      .then(async () => {
        const response = await handlers.callResource(decodeResourceRequest(call.request), signal);
        call.write(encodeResourceResponse(response));
        call.end();
      })
      .catch((error: unknown) => {
        logFailure(log, 'CallResource', error);
        failStream(call, toServiceError(error));
      });
  };

  const subscribeStream: Unary<WireStreamRequest, unknown> = (call, callback) => {
    Promise.resolve()
      .then(async () => {
        const decision = await handlers.subscribeStream(decodeStreamRequest(call.request));
        callback(null, { status: decision.status, data: decision.data ? Buffer.from(decision.data) : undefined });
      })
      .catch((error: unknown) => failUnary('SubscribeStream', error, callback));
  };

  const publishStream: Unary<WireStreamRequest, unknown> = (call, callback) => {
    Promise.resolve()
      .then(async () => {
        const decision = await handlers.publishStream(decodeStreamRequest(call.request));
        callback(null, { status: decision.status, data: decision.data ? Buffer.from(decision.data) : undefined });
      })
      .catch((error: unknown) => failUnary('PublishStream', error, callback));
  };

  const runStream: ServerStream<WireStreamRequest, unknown> = (call) => {
    const signal = cancellationOf(call);
    // Resolve a send once grpc-js has taken the packet, so a slow consumer applies back-pressure.
    const send = (json: string) =>
      new Promise<void>((resolve, reject) => {
        if (signal.aborted || call.destroyed) {
          reject(signal.reason instanceof Error ? signal.reason : new Error('stream closed'));
          return;
        }
        call.write({ data: Buffer.from(json) }, (error: Error | null | undefined) =>
          error ? reject(error) : resolve()
        );
      });
    Promise.resolve()
      .then(async () => {
        await handlers.runStream(decodeStreamRequest(call.request), send, signal);
        if (!call.destroyed) {
          call.end();
        }
      })
      .catch((error: unknown) => {
        if (signal.aborted) {
          return; // Grafana stopped the stream; nothing to report.
        }
        logFailure(log, 'RunStream', error);
        failStream(call, toServiceError(error));
      });
  };

  server.addService(service('pluginv2.Data'), {
    QueryData: queryData,
    // Chunked queries are behind a Grafana feature toggle; UNIMPLEMENTED makes Grafana use QueryData.
    QueryChunkedData: (call: grpc.ServerWritableStream<unknown, unknown>) =>
      failStream(
        call,
        Object.assign(new Error('not implemented'), {
          code: grpc.status.UNIMPLEMENTED,
          details: 'not implemented',
          metadata: new grpc.Metadata(),
        })
      ),
  });
  server.addService(service('pluginv2.Diagnostics'), { CheckHealth: checkHealth, CollectMetrics: collectMetrics });
  server.addService(service('pluginv2.Resource'), { CallResource: callResource });
  server.addService(service('pluginv2.Stream'), {
    SubscribeStream: subscribeStream,
    RunStream: runStream,
    PublishStream: publishStream,
  });
  server.addService(service('grpc.health.v1.Health'), {
    Check: (call: grpc.ServerUnaryCall<{ service: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const known = call.request.service === '' || call.request.service === 'plugin';
      callback(null, { status: known ? 'SERVING' : 'SERVICE_UNKNOWN' });
    },
    Watch: (call: grpc.ServerWritableStream<{ service: string }, unknown>) => {
      // go-plugin never watches; answer once and keep the stream open until the client leaves.
      call.write({ status: 'SERVING' });
    },
  });
  server.addService(service('plugin.GRPCController'), {
    Shutdown: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      callback(null, {});
      hooks.onShutdownRequested();
    },
  });
  server.addService(service('plugin.GRPCStdio'), {
    // We never write to stdout/stderr outside logging, so there is nothing to mirror: keep the stream open, idle.
    StreamStdio: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      call.on('cancelled', () => call.end());
    },
  });
  return server;
}
