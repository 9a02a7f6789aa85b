require("fs").appendFileSync(process.env.SCRATCH + "/acme-order", "pre\n");
