const fs = require("fs");
fs.appendFileSync(process.env.SCRATCH + "/order", `post ${process.env.INPUT_TAG}:${process.env.STATE_tag}\n`);
