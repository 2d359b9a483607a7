-- AlterTable
ALTER TABLE `User` ADD COLUMN `bio` VARCHAR(280) NULL,
    MODIFY `role` ENUM('USER', 'ADMIN', 'EDITOR') NOT NULL DEFAULT 'USER';

-- CreateTable
CREATE TABLE `Profile` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `userId` INTEGER NOT NULL,
    `avatarUrl` VARCHAR(191) NULL,
    `settings` JSON NULL,

    UNIQUE INDEX `Profile_userId_key`(`userId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `Profile` ADD CONSTRAINT `Profile_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `User`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
