-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "role" "Role" NOT NULL DEFAULT 'USER',
ADD COLUMN     "bio" VARCHAR(500);

-- AlterTable
ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;
