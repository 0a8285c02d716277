/** A .graphql file imported as its text (esbuild's text loader), comments and all. */
declare module "*.graphql" {
  const text: string;
  export default text;
}
