// The real services' methods, for fuzz tests of method dispatch.
import assert from "node:assert/strict";
import { z } from "zod";
import * as cluster from "../../dist/cluster/methods.ts";
import * as graph from "../../dist/graph/methods.ts";
import * as serving from "../../dist/serving/methods.ts";
import { MethodTable } from "../../dist/rpc/method_table.ts";

/** Every method of the real services, by its real schema; each handler checks it got a valid payload. */
export function realMethods(ran: Map<string, number>): MethodTable {
  const schemas: [string, z.ZodType][] = [
    [cluster.COORD_JOIN, cluster.joinRequest],
    [cluster.COORD_ARRIVE, cluster.arriveRequest],
    [cluster.COORD_WATCH, cluster.watchRequest],
    [cluster.COORD_LEAVE, cluster.leaveRequest],
    [cluster.COORD_SHUTDOWN, cluster.shutdownRequest],
    [cluster.COORD_REPORT, cluster.reportRequest],
    [cluster.RING_PUSH, cluster.pushRequest],
    [graph.PARTITION_SAMPLE, graph.sampleRequest],
    [graph.PARTITION_LOOKUP, graph.lookupRequest],
    [serving.MINIBATCH_DESCRIBE, serving.describeRequest],
    [serving.MINIBATCH_LIST_SEEDS, serving.seedsRequest],
    [serving.MINIBATCH_PRODUCE, serving.produceRequest],
    [serving.MINIBATCH_ATTACH, serving.clientRequest],
    [serving.MINIBATCH_EPOCH, serving.epochRequest],
    ["echo", z.unknown()],
  ];
  const methods = new MethodTable();
  for (const [name, schema] of schemas) {
    methods.register(name, schema, (payload) => {
      assert.ok(schema.safeParse(payload).success, `${name} ran on an invalid payload`);
      ran.set(name, (ran.get(name) ?? 0) + 1);
      return name === "echo" ? payload : null;
    });
  }
  return methods;
}
