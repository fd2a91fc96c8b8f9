/**
 * One client's part of B1, in a process of its own (started by `b1Overhead`, one after another): `argv` names the
 * client and carries B1's options as JSON; progress and the result go back over the IPC channel.
 */
import { type B1ClientMessage, type B1ClientOptions, measureClient } from './b1Overhead.ts';

const [name, options] = process.argv.slice(2);
const send = (message: B1ClientMessage) => process.send!(message);
const result = await measureClient(name!, JSON.parse(options!) as B1ClientOptions, {
  update: (text) => send({ update: text }),
  line: (text) => send({ line: text }),
});
send({ result });
process.disconnect();
