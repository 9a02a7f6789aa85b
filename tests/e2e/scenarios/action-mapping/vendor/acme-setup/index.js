const fs = require("fs");
fs.appendFileSync(process.env.SCRATCH + "/acme-order", "main\n");
fs.appendFileSync(process.env.GITHUB_OUTPUT, `path=/opt/acme/${process.env.INPUT_VERSION}\n`);
fs.appendFileSync(process.env.GITHUB_STATE, "installed=yes\n");
