const fs = require("fs");
const tag = process.env.INPUT_TAG;
fs.appendFileSync(process.env.SCRATCH + "/order", `main ${tag}\n`);
fs.appendFileSync(process.env.GITHUB_STATE, `tag=${tag}\n`);
