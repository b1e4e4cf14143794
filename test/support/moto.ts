/** The suite uses the same moto launcher as `npm run demo`. */
export { freeLoopbackPort, type Moto, type StartMotoOptions, startMoto } from '../../src/emulator/moto.js';
