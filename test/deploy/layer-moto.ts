import { type Moto, startMoto } from '../../src/emulator/moto.js';

/**
 * A moto of its own whose Lambda is the Docker-backed one. moto 5.2.1's Lambda without Docker (the
 * shared test moto) stores published layers where CreateFunction / UpdateFunctionConfiguration do
 * not look, so any function naming a layer fails there with "One or more LayerVersion does not
 * exist". The Docker-backed Lambda finds them, and needs Docker only to invoke, which layer tests
 * do not do. Stop it in afterAll.
 */
export async function startLayerMoto(): Promise<Moto> {
  const moto = await startMoto();
  const res = await fetch(`${moto.url}/moto-api/config`, { method: 'POST', body: JSON.stringify({ lambda: { use_docker: true } }) });
  if (!res.ok) {
    await moto.stop();
    throw new Error(`moto refused the Docker-backed Lambda config: HTTP ${res.status}`);
  }
  return moto;
}
