const fs = require("fs");
if (process.env.STATE_installed !== "yes") process.exit(1);
fs.appendFileSync(process.env.SCRATCH + "/acme-order", "post\n");
