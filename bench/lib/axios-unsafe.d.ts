// axios' own URL helpers, which its package exports under `axios/unsafe/` without types.
declare module 'axios/unsafe/core/buildFullPath.js' {
  export default function buildFullPath(
    baseURL: string | undefined,
    requestedURL: string | undefined,
    allowAbsoluteUrls: boolean | undefined,
    config?: object,
  ): string;
}
declare module 'axios/unsafe/helpers/buildURL.js' {
  export default function buildURL(url: string, params?: unknown, options?: unknown): string;
}
