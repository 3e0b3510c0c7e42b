/**
 * `graphql-ws/use/ws` is a subpath export; with `moduleResolution: node` TypeScript does not read package
 * exports, so its types are pointed at here (Node resolves the module itself through the exports at run time).
 */
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
