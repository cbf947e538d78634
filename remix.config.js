// `npm run dev` builds apart from the production build, so that running one
// never empties or replaces what the other is serving.
const development = process.env.NODE_ENV === "development";

/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  serverBuildPath: development ? "build/dev/index.js" : "build/index.js",
  assetsBuildDirectory: development ? "public/build-dev" : "public/build",
  publicPath: development ? "/build-dev/" : "/build/",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
