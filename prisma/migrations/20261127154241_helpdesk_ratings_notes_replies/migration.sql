-- CreateTable
CREATE TABLE "CaseNote" (
    "id" BIGSERIAL NOT NULL,
    "caseId" INTEGER NOT NULL,
    "authorId" BIGINT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "text" TEXT NOT NULL,

    CONSTRAINT "CaseNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseRating" (
    "caseId" INTEGER NOT NULL,
    "stars" INTEGER NOT NULL,
    "comment" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "commentedAt" TIMESTAMP(3),

    CONSTRAINT "CaseRating_pkey" PRIMARY KEY ("caseId")
);

-- CreateTable
CREATE TABLE "SavedReply" (
    "name" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdById" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SavedReply_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "CaseNote_caseId_id_idx" ON "CaseNote"("caseId", "id");

-- CreateIndex
CREATE INDEX "CaseRating_at_idx" ON "CaseRating"("at");

-- AddForeignKey
ALTER TABLE "CaseNote" ADD CONSTRAINT "CaseNote_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "RefundCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseRating" ADD CONSTRAINT "CaseRating_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "RefundCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
