const fs = require("fs");
fs.appendFileSync(process.env.SCRATCH + "/order", "pre\n");
