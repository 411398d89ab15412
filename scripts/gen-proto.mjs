#!/usr/bin/env node
// Builds the JSON descriptor of the vendored .proto files that the backend loads at start-up
// (src/backend/protocol/generated/descriptor.json). Checked in, so a build never needs the .proto files or protoc;
// a unit test fails when the descriptor and the .proto files disagree.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = path.join(root, 'src/backend/protocol/proto');
export const PROTO_FILES = ['backend.proto', 'grpc_controller.proto', 'grpc_stdio.proto', 'health.proto'];
export const DESCRIPTOR_PATH = path.join(root, 'src/backend/protocol/generated/descriptor.json');

/** The descriptor as JSON text (stable key order, trailing newline). */
export function buildDescriptor() {
  const pbRoot = new protobuf.Root();
  pbRoot.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? target : path.join(protoDir, path.basename(target));
  pbRoot.loadSync(PROTO_FILES, { keepCase: true });
  pbRoot.resolveAll();
  return JSON.stringify(pbRoot.toJSON({ keepComments: false }), null, 1) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(DESCRIPTOR_PATH, buildDescriptor());
  console.log(`wrote ${path.relative(root, DESCRIPTOR_PATH)}`);
}
