/**
 * gRPC without a schema: sends arbitrary bytes as the request message of any method path, the way a broken or
 * hostile peer could, and reports what came back (a status code, the response bytes, or a stream's messages).
 * protobufjs encodes the valid seeds the fuzzer starts from, from the same vendored descriptor the plugin loads.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

import descriptor from '../../../src/backend/protocol/generated/descriptor.json';

/** The outcome of one raw call. */
export interface RawOutcome {
  /** gRPC status code (0 = OK). */
  code: number;
  details: string;
  /** Response messages (one for unary calls). */
  messages: Buffer[];
  ms: number;
  /** A server stream that was still open (and healthy) when we stopped waiting for it. */
  stillOpen?: boolean;
}

const identity = (value: Buffer) => value;

/** A client that speaks bytes to a plugin's gRPC address. */
export class RawClient {
  private readonly client: grpc.Client;

  constructor(target: string) {
    const Generic = grpc.makeGenericClientConstructor({}, 'raw');
    this.client = new Generic(target, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 });
  }

  /** A unary call; resolves with the status (never rejects). */
  unary(method: string, request: Buffer, deadlineMs: number): Promise<RawOutcome> {
    const started = Date.now();
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        method,
        identity,
        identity,
        request,
        new grpc.Metadata(),
        { deadline: new Date(started + deadlineMs) },
        (error: grpc.ServiceError | null, response?: Buffer) =>
          resolve({
            code: error ? error.code : 0,
            details: error ? error.details : '',
            messages: response ? [response] : [],
            ms: Date.now() - started,
          })
      );
    });
  }

  /**
   * A server-streaming call: collects messages until the stream ends or fails, or for `holdMs` at most, after which
   * a stream that is still open is cancelled (Grafana keeps RunStream open; being open is not a failure).
   */
  stream(method: string, request: Buffer, holdMs: number, deadlineMs: number): Promise<RawOutcome> {
    const started = Date.now();
    return new Promise((resolve) => {
      const messages: Buffer[] = [];
      const call = this.client.makeServerStreamRequest(method, identity, identity, request, new grpc.Metadata(), {
        deadline: new Date(started + deadlineMs),
      });
      let settled = false;
      const finish = (outcome: Omit<RawOutcome, 'messages' | 'ms'>) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolve({ ...outcome, messages, ms: Date.now() - started });
        }
      };
      const timer = setTimeout(() => {
        finish({ code: 0, details: '', stillOpen: true });
        call.cancel();
      }, holdMs);
      call.on('data', (message: Buffer) => messages.push(message));
      call.on('error', (error: grpc.ServiceError) => finish({ code: error.code, details: error.details }));
      call.on('end', () => finish({ code: 0, details: '' }));
    });
  }

  close(): void {
    this.client.close();
  }
}

/** The gRPC target of a launched plugin (from its handshake line). */
export function targetOf(handshake: string): string {
  const [, , network, address] = handshake.split('|');
  return network === 'unix' ? `unix:${address}` : address!;
}

let root: protobuf.Root | undefined;

/** Encodes a message of the vendored protocol (e.g. `pluginv2.QueryDataRequest`) from a plain object. */
export function encode(type: string, value: Record<string, unknown>): Buffer {
  root ??= protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
  const messageType = root.lookupType(type);
  return Buffer.from(messageType.encode(messageType.fromObject(value)).finish());
}

/** Decodes a response message of the vendored protocol into a plain object (bytes as Buffers). */
export function decode(type: string, bytes: Buffer): Record<string, any> {
  root ??= protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
  const messageType = root.lookupType(type);
  return messageType.toObject(messageType.decode(bytes), { defaults: true, enums: String, longs: Number });
}
