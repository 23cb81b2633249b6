// `npm install`'s last step: npm checks packages' `engines` against the Node
// that runs npm, which may be older than the Node that every npm script runs on
// (node_modules/.bin/node, from the `node` package). One line says so, so that
// npm's EBADENGINE warnings do not read like a failed install.
const npmNode = /\bnode\/v([\d.]+)/.exec(process.env.npm_config_user_agent ?? "")?.[1];
const major = (version: string) => Number(version.split(".")[0]);

if (npmNode !== undefined && major(npmNode) < major(process.versions.node)) {
  process.stdout.write(
    `Note: npm ran on Node ${npmNode}, the project runs on Node ${process.versions.node} from the \`node\` package; an EBADENGINE warning above is about the former and needs nothing done.\n`,
  );
}
