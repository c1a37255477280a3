// Vite turns `?url` imports into the emitted file's URL (the worker tsconfig has no vite/client types).
declare module '*?url' {
  const url: string;
  export default url;
}
