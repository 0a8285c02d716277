/** Who is asking: the token's subject (the application's user id) and whether they are an admin. */
export interface Viewer {
  clientUserId: string;
  isAdmin: boolean;
}
