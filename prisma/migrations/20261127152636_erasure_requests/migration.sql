-- CreateTable
CREATE TABLE "ErasureRequest" (
    "userId" BIGINT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ErasureRequest_pkey" PRIMARY KEY ("userId")
);
